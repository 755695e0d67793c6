/**
 * The clock port. Monotonic time measures latency and drives timers (it never jumps); wall time stamps
 * telemetry and evaluates arm schedules (it may jump when NTP syncs on a board that booted offline).
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Monotonic milliseconds (arbitrary origin, never goes backwards). */
  monoMs(): number;
  /** Wall-clock milliseconds since the Unix epoch. */
  wallMs(): number;
}

export const systemClock: Clock = {
  monoMs: () => performance.now(),
  wallMs: () => Date.now(),
};
