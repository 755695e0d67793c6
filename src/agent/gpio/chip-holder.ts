/**
 * A process that holds one chip's output lines for as long as they must stay driven. libgpiod documents that
 * a line's state is undefined once the requesting process exits ("It should not be assumed that a line will
 * retain its state after gpioset exits"), so every gpiod holder keeps a gpioset process alive.
 */
import type { Level } from './actuator.ts';

/** Levels by line offset on the holder's chip. */
export type OffsetLevels = ReadonlyMap<number, Level>;

export interface ChipHolder {
  /** Requests the lines at these levels; resolves once they are driven. */
  start(levels: OffsetLevels): Promise<void>;
  /** Drives every line of the chip to these levels; resolves once written. */
  write(levels: OffsetLevels): Promise<void>;
  /** The same, synchronously and best effort, for exit paths. */
  writeSync(levels: OffsetLevels): void;
  /** Stops the holding process (idempotent). */
  release(): Promise<void>;
}

/** `17=1 22=0` in offset order, as both gpioset versions take them. */
export function assignments(levels: OffsetLevels): string[] {
  return [...levels].sort(([a], [b]) => a - b).map(([offset, level]) => `${offset}=${level}`);
}

export function sameLevels(a: OffsetLevels | null, b: OffsetLevels): boolean {
  if (a?.size !== b.size) return false;
  for (const [offset, level] of b) if (a.get(offset) !== level) return false;
  return true;
}
