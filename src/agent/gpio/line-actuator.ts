/**
 * What every backend shares: output lookup, activeLow, the lifecycle (idempotent start/stop, refusal after a
 * sync safe state), one write at a time, and the write-time stamp. A backend supplies four operations on
 * physical levels: claim, write, writeSync, release.
 */
import { LookoutError, errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { levelFor, type Actuator, type ActuatorDeps, type Level } from './actuator.ts';
import type { OutputConfig } from './schema.ts';

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(errorMessage(e));
}

type Phase = 'idle' | 'starting' | 'running' | 'latched' | 'stopping' | 'stopped';

/** Physical levels by output name. */
export type LevelMap = ReadonlyMap<string, Level>;

export abstract class LineActuator implements Actuator {
  protected readonly outputs: readonly OutputConfig[];
  protected readonly logger: Logger;
  private readonly clock: ActuatorDeps['clock'];
  private phase: Phase = 'idle';
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(outputs: readonly OutputConfig[], deps: ActuatorDeps) {
    this.outputs = outputs;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  /** Claims the lines and drives them to `levels` (every output has one). Must leave `release` able to undo a partial claim. */
  protected abstract claim(levels: LevelMap): Promise<void>;
  /** Drives the given outputs (a subset) and resolves when the levels are on the lines. */
  protected abstract write(levels: LevelMap): Promise<void>;
  /** The same, synchronously, best effort: it runs in exit handlers. */
  protected abstract writeSync(levels: LevelMap): void;
  /** Releases whatever `claim` acquired, partial claims included. */
  protected abstract release(): Promise<void>;

  start(): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') {
      // Lines are claimed once per instance; a stopped actuator is not restarted (build a new one).
      return Promise.reject(
        new LookoutError('gpio', 'NOT_RUNNING', `cannot start: the actuator is ${this.phase}`, { where: 'start' }),
      );
    }
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.phase = 'starting';
    const initial = new Map(this.outputs.map((o) => [o.name, levelFor(o.initial === 'on', o.activeLow)]));
    try {
      await this.claim(initial);
    } catch (e) {
      await this.release().catch((releaseError: unknown) => {
        this.logger.error({ err: releaseError }, 'gpio: releasing after a failed start failed too');
      });
      this.phase = 'stopped';
      throw e;
    }
    if (this.currentPhase() === 'starting') {
      this.phase = 'running';
      return;
    }
    // A sync safe state latched while claiming: lines claimed after it are at their initial level, so again.
    if (this.currentPhase() === 'latched') this.writeSync(this.safeLevels());
  }

  async set(name: string, on: boolean): Promise<number> {
    const output = this.output(name);
    if (this.phase !== 'running') {
      throw new LookoutError('gpio', 'NOT_RUNNING', `cannot set "${name}": the actuator is ${this.phase}`, {
        where: name,
      });
    }
    const level = levelFor(on, output.activeLow);
    await this.exclusive(() => this.write(new Map([[name, level]])));
    return this.clock.monoMs();
  }

  safeState(): Promise<void> {
    if (this.phase !== 'running') return Promise.resolve();
    return this.exclusive(() => this.write(this.safeLevels()));
  }

  safeStateSync(): void {
    if (this.phase === 'idle' || this.phase === 'stopped') return;
    this.phase = 'latched';
    this.writeSync(this.safeLevels());
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (this.phase === 'idle') {
      this.phase = 'stopped';
      return;
    }
    await this.starting?.catch(() => undefined);
    if (this.phase === 'stopped') return;
    // After a sync safe state the safe levels are on the lines already (and some backends let go of them).
    const alreadySafe = this.phase === 'latched';
    this.phase = 'stopping';
    let failure: Error | null = null;
    try {
      if (!alreadySafe) await this.exclusive(() => this.write(this.safeLevels()));
    } catch (e) {
      failure = asError(e);
      this.logger.error({ err: e }, 'gpio: could not drive the safe levels before release');
    }
    try {
      await this.release();
    } catch (e) {
      failure ??= asError(e);
      this.logger.error({ err: e }, 'gpio: release failed');
    }
    this.phase = 'stopped';
    if (failure !== null) throw failure;
  }

  /** Read through a method: `await` may have changed the phase behind the compiler's narrowing. */
  private currentPhase(): Phase {
    return this.phase;
  }

  protected output(name: string): OutputConfig {
    const output = this.outputs.find((o) => o.name === name);
    if (output === undefined) {
      throw new LookoutError(
        'gpio',
        'UNKNOWN_OUTPUT',
        `no output named "${name}" (configured: ${this.outputs.map((o) => o.name).join(', ') || 'none'})`,
        { where: name },
      );
    }
    return output;
  }

  protected safeLevels(): LevelMap {
    return new Map(this.outputs.map((o) => [o.name, levelFor(o.safe === 'on', o.activeLow)]));
  }

  /** Logical state of an output at a physical level, for logs and records. */
  protected isOn(name: string, level: Level): boolean {
    return (level === 1) !== this.output(name).activeLow;
  }

  /** One write at a time, in call order; a failed write does not block the next. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
