/**
 * The drift verdict from two windows of per-class confidence summaries (pure: the monitor gathers the figures).
 * Signals, each with its own threshold in the policy:
 *   - a class's mean confidence fell by `confidenceDrop` or more (relative);
 *   - the share of uncertain detections rose past `maxUncertainShare`;
 *   - a class is detected at under `minRateRatio` of its baseline rate (objects not found at all any more:
 *     a model that has gone blind on a scene produces fewer detections, not less confident ones);
 *   - mAP@0.5 on labelled recent samples is under `mapFloor`.
 */
import type { ClassConfidence } from '../store/store.ts';
import type { DriftPolicy } from './drift-policy.ts';

export interface WindowFigures {
  readonly classes: readonly ClassConfidence[];
  /** Length of the window (ms): detection rates are per second of it. */
  readonly durationMs: number;
}

export interface ClassDrift {
  readonly label: string;
  readonly baseline: { readonly count: number; readonly meanScore: number; readonly perS: number };
  readonly recent: { readonly count: number; readonly meanScore: number; readonly perS: number };
}

export interface DriftVerdict {
  readonly drifted: boolean;
  /** One line per signal that fired: what, how much, against which threshold. */
  readonly reasons: readonly string[];
  readonly classes: readonly ClassDrift[];
  readonly uncertainShare: { readonly baseline: number; readonly recent: number };
  readonly labelled: { readonly samples: number; readonly map50: number } | null;
}

function uncertainShare(classes: readonly ClassConfidence[], below: number): number {
  const bins = Math.round(below * 10);
  let uncertain = 0;
  let total = 0;
  for (const c of classes) {
    c.hist.forEach((n, i) => {
      total += n;
      if (i < bins) uncertain += n;
    });
  }
  return total === 0 ? 0 : uncertain / total;
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;

export function judgeDrift(
  policy: DriftPolicy,
  baseline: WindowFigures,
  recent: WindowFigures,
  labelled: { samples: number; map50: number } | null,
): DriftVerdict {
  const reasons: string[] = [];
  const classes: ClassDrift[] = [];
  for (const base of baseline.classes) {
    const now = recent.classes.find((c) => c.label === base.label) ?? { label: base.label, count: 0, meanScore: 0, hist: [] };
    const baseRate = base.count / Math.max(1, baseline.durationMs / 1000);
    const rate = now.count / Math.max(1, recent.durationMs / 1000);
    classes.push({
      label: base.label,
      baseline: { count: base.count, meanScore: base.meanScore, perS: baseRate },
      recent: { count: now.count, meanScore: now.meanScore, perS: rate },
    });
    if (base.count < policy.minDetections) continue;
    if (policy.minRateRatio > 0 && rate < baseRate * policy.minRateRatio) {
      reasons.push(`${base.label}: ${rate.toFixed(2)} detections/s against ${baseRate.toFixed(2)} in the baseline (under ${pct(policy.minRateRatio)})`);
      continue;
    }
    if (now.count < policy.minDetections) continue;
    const drop = base.meanScore === 0 ? 0 : (base.meanScore - now.meanScore) / base.meanScore;
    if (drop >= policy.confidenceDrop) {
      reasons.push(`${base.label}: mean confidence ${base.meanScore.toFixed(3)} → ${now.meanScore.toFixed(3)} (−${pct(drop)}, threshold ${pct(policy.confidenceDrop)})`);
    }
  }
  const share = { baseline: uncertainShare(baseline.classes, policy.uncertainBelow), recent: uncertainShare(recent.classes, policy.uncertainBelow) };
  const recentTotal = recent.classes.reduce((n, c) => n + c.count, 0);
  if (recentTotal >= policy.minDetections && share.recent >= policy.maxUncertainShare && share.baseline < policy.maxUncertainShare) {
    reasons.push(`uncertain detections (score < ${policy.uncertainBelow}) ${pct(share.baseline)} → ${pct(share.recent)} (threshold ${pct(policy.maxUncertainShare)})`);
  }
  if (labelled !== null && labelled.samples >= policy.minLabelled && labelled.map50 < policy.mapFloor) {
    reasons.push(`mAP@0.5 on ${labelled.samples} labelled recent samples ${labelled.map50.toFixed(3)} (floor ${policy.mapFloor})`);
  }
  return { drifted: reasons.length > 0, reasons, classes, uncertainShare: share, labelled };
}
