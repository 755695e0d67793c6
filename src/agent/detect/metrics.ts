/**
 * Detection metrics as Ultralytics `val` computes them (ultralytics/utils/metrics.py `ap_per_class`,
 * `compute_ap`; engine/validator.py `match_predictions`):
 *  - per image, predictions are matched to ground truth of the same class at each IoU threshold
 *    0.50:0.05:0.95; candidates are pairs with IoU >= t, taken by IoU descending, one per prediction, then one per
 *    truth keeping the prediction that comes first (highest score), the way the validator's np.unique passes do;
 *  - per class present in the ground truth, predictions of all images sorted by score give the precision /
 *    recall curve; AP = trapezoid integral of the precision envelope sampled at 101 recall points (0, 0.01,
 *    ..., 1) with np.interp semantics, sentinels (0, 1) and (1, 0) added, so a perfect class scores 0.995;
 *  - mAP = mean over the classes present in the ground truth (classes without predictions count 0).
 * Pure; boxes are [x1, y1, x2, y2] in image pixels.
 */
import type { BoxXYXY } from './types.ts';

/** Ultralytics' iouv = torch.linspace(0.5, 0.95, 10), float32 values. */
export const IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => Math.fround(0.5 + 0.05 * i));

export interface ScoredBox {
  readonly classId: number;
  readonly score: number;
  readonly box: BoxXYXY;
}

export interface TruthBox {
  readonly classId: number;
  readonly box: BoxXYXY;
}

export function boxIou(a: BoxXYXY, b: BoxXYXY): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * correct[p][t]: whether prediction p (in the given order, which must be score-descending as NMS returns
 * it) is a true positive at IOU_THRESHOLDS[t].
 */
export function matchPredictions(predictions: readonly ScoredBox[], truths: readonly TruthBox[], thresholds: readonly number[] = IOU_THRESHOLDS): boolean[][] {
  const correct = predictions.map(() => thresholds.map(() => false));
  const ious = truths.map((t) => predictions.map((p) => (p.classId === t.classId ? boxIou(t.box, p.box) : 0)));
  thresholds.forEach((thr, ti) => {
    const pairs: { g: number; p: number; iou: number }[] = [];
    ious.forEach((row, g) => {
      row.forEach((iou, p) => {
        if (iou >= thr) pairs.push({ g, p, iou });
      });
    });
    pairs.sort((a, b) => b.iou - a.iou || a.g - b.g || a.p - b.p);
    // One truth per prediction: its highest-IoU pair.
    const perPrediction = new Map<number, number>();
    for (const m of pairs) if (!perPrediction.has(m.p)) perPrediction.set(m.p, m.g);
    // One prediction per truth: the first prediction (in prediction order) among those pairs.
    const taken = new Set<number>();
    for (const p of [...perPrediction.keys()].sort((a, b) => a - b)) {
      const g = perPrediction.get(p)!;
      if (taken.has(g)) continue;
      taken.add(g);
      correct[p]![ti] = true;
    }
  });
  return correct;
}

/** np.interp(x, xp, fp) for non-decreasing xp: the segment used is the last j with xp[j] <= x. */
export function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const n = xp.length;
  if (x < xp[0]!) return fp[0]!;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (xp[lo] === x) return fp[lo]!;
  const slope = (fp[lo + 1]! - fp[lo]!) / (xp[lo + 1]! - xp[lo]!);
  return fp[lo]! + slope * (x - xp[lo]!);
}

/** `compute_ap`: 101-point interpolated area under the precision envelope. */
export function averagePrecision(recall: readonly number[], precision: readonly number[]): number {
  const mrec = [0, ...recall, 1];
  const mpre = [1, ...precision, 0];
  for (let i = mpre.length - 2; i >= 0; i--) mpre[i] = Math.max(mpre[i]!, mpre[i + 1]!);
  let area = 0;
  let prevX = 0;
  let prevY = interp(0, mrec, mpre);
  for (let i = 1; i <= 100; i++) {
    const x = i === 100 ? 1 : i * 0.01;
    const y = interp(x, mrec, mpre);
    area += ((x - prevX) * (prevY + y)) / 2;
    prevX = x;
    prevY = y;
  }
  return area;
}

export interface ClassMetrics {
  readonly classId: number;
  /** Ground-truth boxes of this class. */
  readonly truths: number;
  readonly predictions: number;
  readonly ap50: number;
  readonly ap50to95: number;
}

export interface MetricsSummary {
  readonly images: number;
  readonly truths: number;
  readonly predictions: number;
  readonly map50: number;
  readonly map50to95: number;
  /** Classes present in the ground truth, by class id. */
  readonly classes: readonly ClassMetrics[];
}

interface Row {
  readonly score: number;
  readonly classId: number;
  readonly tp: readonly boolean[];
}

/** Accumulates images one at a time (eval streams a data set through it), then summarises. */
export class DetectionMetrics {
  private readonly rows: Row[] = [];
  private readonly truthCounts = new Map<number, number>();
  private images = 0;

  add(predictions: readonly ScoredBox[], truths: readonly TruthBox[]): void {
    this.images++;
    for (const t of truths) this.truthCounts.set(t.classId, (this.truthCounts.get(t.classId) ?? 0) + 1);
    // Matching assumes score order; a stable sort keeps NMS order for equal scores.
    const sorted = [...predictions].sort((a, b) => b.score - a.score);
    const correct = matchPredictions(sorted, truths);
    sorted.forEach((p, i) => this.rows.push({ score: p.score, classId: p.classId, tp: correct[i]! }));
  }

  summary(): MetricsSummary {
    const rows = [...this.rows].sort((a, b) => b.score - a.score);
    const classIds = [...this.truthCounts.keys()].sort((a, b) => a - b);
    const classes = classIds.map((classId): ClassMetrics => {
      const nl = this.truthCounts.get(classId)!;
      const mine = rows.filter((r) => r.classId === classId);
      const aps = IOU_THRESHOLDS.map((_, t) => {
        if (mine.length === 0) return 0;
        const recall: number[] = [];
        const precision: number[] = [];
        let tpc = 0;
        let fpc = 0;
        for (const r of mine) {
          if (r.tp[t] === true) tpc++;
          else fpc++;
          recall.push(tpc / (nl + 1e-16));
          precision.push(tpc / (tpc + fpc));
        }
        return averagePrecision(recall, precision);
      });
      return { classId, truths: nl, predictions: mine.length, ap50: aps[0]!, ap50to95: mean(aps) };
    });
    return {
      images: this.images,
      truths: classes.reduce((s, c) => s + c.truths, 0),
      predictions: rows.length,
      map50: mean(classes.map((c) => c.ap50)),
      map50to95: mean(classes.map((c) => c.ap50to95)),
      classes,
    };
  }
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}
