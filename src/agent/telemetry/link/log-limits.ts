/**
 * Logging that cannot flood the journal: a broker that refuses us every few seconds for days, or a sender
 * that floods the command topic with garbage, must cost a few lines, not one per attempt or message.
 */
import type { Logger } from '../../../log.ts';

/** Logs each distinct reason once until `reset()` (called when the link is up again). */
export class OncePerReason {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  warn(reason: string, fields: Record<string, unknown>, msg: string): void {
    if (this.seen.has(reason)) {
      this.logger.debug({ ...fields, reason }, msg);
      return;
    }
    this.seen.add(reason);
    this.logger.warn({ ...fields, reason }, msg);
  }

  reset(): void {
    this.seen.clear();
  }
}

/** At most `max` lines per window; the rest are counted and the count is logged with the next line. */
export class RateLimitedLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly max = 5,
    private readonly windowMs = 10_000,
  ) {}

  warn(fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.max) {
      this.suppressed += 1;
      return;
    }
    this.inWindow += 1;
    const extra = this.suppressed > 0 ? { suppressed: this.suppressed } : {};
    this.suppressed = 0;
    this.logger.warn({ ...fields, ...extra }, msg);
  }
}
