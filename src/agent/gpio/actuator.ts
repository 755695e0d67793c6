/**
 * The Actuator port: named logical outputs over GPIO lines. Leaf module for the pipeline and composition root.
 *
 * Lifecycle: the constructor only assigns; `start()` claims every line and drives its initial level; `stop()`
 * drives the safe levels, then releases what `start()` claimed, and is safe to call twice.
 */
import type { Logger } from '../../log.ts';
import type { Clock } from '../clock.ts';

/** A physical line level: 1 = high. Logical on/off maps to it through `activeLow`. */
export type Level = 0 | 1;

export interface Actuator {
  /** Claims every configured line and drives it to its initial level. */
  start(): Promise<void>;
  /**
   * Writes an output's logical state (activeLow applied) and resolves once the write is done, with the
   * monotonic time (from the injected clock) at which it completed: the pipeline's glass-to-GPIO stamp.
   */
  set(name: string, on: boolean): Promise<number>;
  /** Drives every output to its safe level. */
  safeState(): Promise<void>;
  /**
   * The same, synchronously, for `process.on('exit')` and fatal paths where only sync code runs. Afterwards
   * `set` is refused; `stop` still releases the lines.
   */
  safeStateSync(): void;
  /** Safe state, then release. Idempotent. */
  stop(): Promise<void>;
}

/** What every backend receives. */
export interface ActuatorDeps {
  /** `monoMs()` stamps writes; the pipeline measures capture-to-write with the same clock. */
  readonly clock: Pick<Clock, 'monoMs'>;
  readonly logger: Logger;
}

/** The physical level that makes an output logically `on`. */
export function levelFor(on: boolean, activeLow: boolean): Level {
  return on !== activeLow ? 1 : 0;
}
