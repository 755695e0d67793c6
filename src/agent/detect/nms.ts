/**
 * Class-aware greedy non-maximum suppression with the semantics of Ultralytics `non_max_suppression`
 * (ultralytics/utils/nms.py): candidates sorted by score, at most `maxCandidates` of them (max_nms), a box is
 * dropped when its IoU with a kept box of the same class is > iou (torchvision.ops.nms keeps IoU <= threshold),
 * at most `maxDet` kept. Checking only same-class kept boxes is what the class-offset trick achieves.
 * All buffers are preallocated; nothing is allocated per frame.
 */
import type { Candidates } from './candidates.ts';

export interface NmsOptions {
  readonly iou: number;
  readonly maxDet: number;
  readonly maxCandidates: number;
}

export class Nms {
  /** Indices into the candidates, best first; valid up to the count run() returned. */
  readonly kept: Int32Array;
  private readonly order: Int32Array;

  constructor(readonly capacity: number) {
    this.kept = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
  }

  run(c: Candidates, options: NmsOptions): number {
    const order = this.order;
    for (let i = 0; i < c.count; i++) order[i] = i;
    sortByScore(order, c.count, c.scores);
    const n = Math.min(c.count, options.maxCandidates);
    const boxes = c.boxes;
    const cls = c.classIds;
    const kept = this.kept;
    const limit = Math.min(options.maxDet, this.capacity);
    let count = 0;
    outer: for (let k = 0; k < n && count < limit; k++) {
      const i = order[k]!;
      const ci = cls[i]!;
      const o = i * 4;
      const x1 = boxes[o]!;
      const y1 = boxes[o + 1]!;
      const x2 = boxes[o + 2]!;
      const y2 = boxes[o + 3]!;
      const area = (x2 - x1) * (y2 - y1);
      for (let m = 0; m < count; m++) {
        const j = kept[m]!;
        if (cls[j] !== ci) continue;
        const p = j * 4;
        const bx1 = boxes[p]!;
        const by1 = boxes[p + 1]!;
        const bx2 = boxes[p + 2]!;
        const by2 = boxes[p + 3]!;
        const w = Math.min(x2, bx2) - Math.max(x1, bx1);
        const h = Math.min(y2, by2) - Math.max(y1, by1);
        if (w <= 0 || h <= 0) continue;
        const inter = w * h;
        if (inter / (area + (bx2 - bx1) * (by2 - by1) - inter) > options.iou) continue outer;
      }
      kept[count++] = i;
    }
    return count;
  }
}

/** Whether index a comes before index b: higher score first, ties by lower index. */
function first(scores: Float32Array, a: number, b: number): boolean {
  const sa = scores[a]!;
  const sb = scores[b]!;
  return sa > sb || (sa === sb && a < b);
}

function siftDown(idx: Int32Array, scores: Float32Array, start: number, end: number): void {
  let root = start;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && first(scores, idx[child]!, idx[child + 1]!)) child++;
    if (!first(scores, idx[root]!, idx[child]!)) return;
    const t = idx[root]!;
    idx[root] = idx[child]!;
    idx[child] = t;
    root = child;
  }
}

/**
 * In-place heapsort of idx[0, n) by score descending, ties by index ascending: a total order, so the result is
 * deterministic, and unlike TypedArray#sort with a comparator it allocates nothing. "Comes first" plays the
 * heap's "smaller", so the max-heap moves the element that comes last to the end.
 */
export function sortByScore(idx: Int32Array, n: number, scores: Float32Array): void {
  for (let s = (n >> 1) - 1; s >= 0; s--) siftDown(idx, scores, s, n);
  for (let end = n - 1; end > 0; end--) {
    const t = idx[0]!;
    idx[0] = idx[end]!;
    idx[end] = t;
    siftDown(idx, scores, 0, end);
  }
}
