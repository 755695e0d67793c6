/**
 * When the next group commit runs: `flushMs` after the first change of a batch, or at once for an alarm. One
 * timer at most; an urgent request replaces a pending ordinary one, and later requests ride on whichever is set.
 */
import type { OutboxTimers } from './types.ts';

/** The global timers, unref'd: a pending flush never keeps the process alive (close() does the last flush). */
export const globalTimers: OutboxTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export class FlushTimer {
  private readonly timers: OutboxTimers;
  private readonly onFire: () => void;
  private handle: unknown = undefined;
  private urgent = false;

  constructor(timers: OutboxTimers, onFire: () => void) {
    this.timers = timers;
    this.onFire = onFire;
  }

  /** Asks for a flush within `ms`, or at once when `urgent`. */
  request(ms: number, urgent: boolean): void {
    if (this.handle !== undefined && (this.urgent || !urgent)) return;
    this.arm(urgent ? 0 : ms, urgent);
  }

  /** Sets the timer to `ms` whatever is pending (a retry after a failed write). */
  arm(ms: number, urgent = false): void {
    this.cancel();
    this.urgent = urgent;
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.onFire();
    }, ms);
  }

  cancel(): void {
    if (this.handle === undefined) return;
    this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
