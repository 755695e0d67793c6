/**
 * Tuning shared by every process-based capture adapter: the frame watchdog, restart backoff and teardown.
 */
export interface CaptureSettings {
  /** No complete frame for this long (once frames flow) means the capture is stalled: restart it. */
  readonly stallMs: number;
  /** Allowance for the first frame of a run (sensor start-up, auto-exposure settling, pipeline negotiation). */
  readonly firstFrameMs: number;
  /** Consecutive failed runs retried before the source reports `lost`. */
  readonly maxRestarts: number;
  /** First restart delay; it doubles with each consecutive failure ... */
  readonly backoffInitialMs: number;
  /** ... up to this. */
  readonly backoffMaxMs: number;
  /** A run that has delivered frames for this long clears the failure count (and so the backoff). */
  readonly healthyMs: number;
  /** Time between SIGTERM and SIGKILL to the capture process group. */
  readonly killGraceMs: number;
  /** Free frame buffers kept for reuse. */
  readonly poolSize: number;
}

export const defaultCaptureSettings: CaptureSettings = {
  stallMs: 3000,
  firstFrameMs: 10_000,
  maxRestarts: 5,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  healthyMs: 10_000,
  killGraceMs: 2000,
  poolSize: 4,
};

/** Delay before the restart that follows the `failures`-th consecutive failure (1-based). */
export function backoffDelay(failures: number, settings: Pick<CaptureSettings, 'backoffInitialMs' | 'backoffMaxMs'>): number {
  return Math.min(settings.backoffMaxMs, settings.backoffInitialMs * 2 ** Math.max(0, failures - 1));
}
