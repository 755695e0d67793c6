/**
 * The verdict on a model after probation, against the old model's figures from before the swap: p95 inference
 * may grow by `maxLatencyRise` at most (TOO_SLOW), the frame rate may fall by `maxFpsDrop` at most (FPS_DROP).
 * Latency is judged first: a slower model usually costs frames too, and the slower inference is the cause.
 */
import type { PerformanceSummary } from './result-history.ts';

/**
 * A rise in p95 inference smaller than this is never TOO_SLOW: below it, scheduler and timer jitter decide the
 * ratio of two sub-millisecond figures, not the model.
 */
export const LATENCY_NOISE_MS = 2;

export interface ProbationLimits {
  readonly maxFpsDrop: number;
  readonly maxLatencyRise: number;
}

export interface Verdict {
  readonly code: 'TOO_SLOW' | 'FPS_DROP';
  readonly detail: string;
}

const ms = (x: number): string => `${x.toFixed(2)} ms`;

export function judgeProbation(before: PerformanceSummary, after: PerformanceSummary, limits: ProbationLimits, probationS: number): Verdict | undefined {
  if (after.count === 0 || after.p95InferenceMs === null) {
    return { code: 'TOO_SLOW', detail: `no frame finished on the new model in ${probationS} s of probation` };
  }
  const oldP95 = before.p95InferenceMs;
  if (oldP95 !== null) {
    const newP95 = after.p95InferenceMs;
    if (newP95 > oldP95 * (1 + limits.maxLatencyRise) && newP95 - oldP95 > LATENCY_NOISE_MS) {
      return { code: 'TOO_SLOW', detail: `p95 inference ${ms(newP95)}, was ${ms(oldP95)} (at most +${Math.round(limits.maxLatencyRise * 100)} %)` };
    }
  }
  if (before.fps !== null && after.fps !== null && after.fps < before.fps * (1 - limits.maxFpsDrop)) {
    return { code: 'FPS_DROP', detail: `${after.fps.toFixed(1)} fps, was ${before.fps.toFixed(1)} (at most -${Math.round(limits.maxFpsDrop * 100)} %)` };
  }
  return undefined;
}
