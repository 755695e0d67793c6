/**
 * Reconnect delays: exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff
 * and Jitter", 2015). A fleet that lost its broker at the same moment must not come back in lockstep, so half
 * of each delay is random; the other half keeps a floor so a device never hammers the broker.
 */

export interface BackoffLimits {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Delay before the attempt that follows the `failures`-th consecutive failure (1-based); `random` returns a
 * number in [0, 1). The result lies in [base / 2, base], base = min(maxMs, minMs * 2^(failures - 1)).
 */
export function reconnectDelay(failures: number, limits: BackoffLimits, random: () => number): number {
  const exponent = Math.min(Math.max(0, failures - 1), 52);
  const base = Math.min(limits.maxMs, limits.minMs * 2 ** exponent);
  return Math.round(base / 2 + random() * (base / 2));
}
