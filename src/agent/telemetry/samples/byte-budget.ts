/**
 * The hourly byte budget of samples: a token bucket that holds one hour's worth and refills at the hourly
 * rate, so the long-run rate is `bytesPerHour` and no window of an hour carries more than twice it. Time is
 * monotonic milliseconds. The bucket starts full.
 */
const HOUR_MS = 3_600_000;

export class ByteBudget {
  private readonly bytesPerHour: number;
  private tokens: number;
  private last: number | undefined;

  constructor(bytesPerHour: number) {
    this.bytesPerHour = bytesPerHour;
    this.tokens = bytesPerHour;
  }

  /** Bytes that may be spent now (negative after a forced spend ran ahead of the budget). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /**
   * Spends `bytes` if the bucket holds them. `force` spends them anyway (an operator's explicit request),
   * leaving a debt that later samples wait out, so the hourly rate still holds on average.
   */
  take(bytes: number, nowMs: number, force = false): boolean {
    this.refill(nowMs);
    if (!force && bytes > this.tokens) return false;
    this.tokens -= bytes;
    return true;
  }

  private refill(nowMs: number): void {
    if (this.last !== undefined && nowMs > this.last) {
      this.tokens = Math.min(this.bytesPerHour, this.tokens + ((nowMs - this.last) * this.bytesPerHour) / HOUR_MS);
    }
    if (this.last === undefined || nowMs > this.last) this.last = nowMs;
  }
}
