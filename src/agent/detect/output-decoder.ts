/**
 * Raw detector output -> candidate boxes above the confidence threshold, one label per box (the best class),
 * as Ultralytics `non_max_suppression` does before NMS (multi_label=False).
 *
 * YOLOv8 / YOLO11 export `output0` as [1, 4 + nc, N]: rows cx, cy, w, h, then one row of class scores per
 * class, no objectness. YOLOv5 exports [1, N, 5 + nc]: per anchor cx, cy, w, h, objectness, class scores;
 * its confidence is objectness * class score and anchors with objectness <= conf are dropped first
 * (yolov5 utils/general.py non_max_suppression).
 */
import { LookoutError } from '../../errors.ts';
import type { Candidates } from './candidates.ts';
import type { OutputLayout } from './types.ts';

export interface OutputShape {
  readonly layout: OutputLayout;
  readonly anchors: number;
  readonly classes: number;
}

/**
 * Picks the decoder from the output dims and the number of labels. When both layouts fit (possible only for
 * tiny shapes such as [1, 5, 6] with one label), the one whose anchor count is the larger dimension wins:
 * real models have thousands of anchors and a few dozen channels.
 */
export function outputShapeFor(dims: readonly number[], labelCount: number, where: string): OutputShape {
  const [batch, a, b] = dims;
  if (dims.length === 3 && batch === 1 && a !== undefined && b !== undefined && a > 0 && b > 0) {
    const v8 = a === 4 + labelCount;
    const v5 = b === 5 + labelCount;
    if (v8 && (!v5 || b >= a)) return { layout: 'yolov8', anchors: b, classes: labelCount };
    if (v5) return { layout: 'yolov5', anchors: a, classes: labelCount };
  }
  throw new LookoutError('model', 'UNKNOWN_OUTPUT',
    `output shape [${dims.join(', ')}] fits neither YOLOv8 [1, 4+${labelCount}, N] nor YOLOv5 [1, N, 5+${labelCount}] ` +
      `for ${labelCount} labels (wrong labels file, or not a detection model)`, { where });
}

export function expectedOutputLength(shape: OutputShape): number {
  return shape.anchors * (shape.classes + (shape.layout === 'yolov8' ? 4 : 5));
}

/**
 * Decoders walk the output in memory order. For YOLOv8 that is class-major, so the best class per anchor is
 * kept in two scratch arrays (reused) instead of striding through memory once per anchor.
 */
export class OutputDecoder {
  private readonly best: Float32Array;
  private readonly bestClass: Int32Array;

  constructor(readonly shape: OutputShape) {
    this.best = new Float32Array(shape.layout === 'yolov8' ? shape.anchors : 0);
    this.bestClass = new Int32Array(shape.layout === 'yolov8' ? shape.anchors : 0);
  }

  /** Fills `out` (capacity >= anchors) with the candidates whose confidence is > conf. */
  decode(data: Float32Array, conf: number, out: Candidates): void {
    out.count = 0;
    switch (this.shape.layout) {
      case 'yolov8':
        this.decodeV8(data, conf, out);
        break;
      case 'yolov5':
        this.decodeV5(data, conf, out);
        break;
    }
  }

  private decodeV8(data: Float32Array, conf: number, out: Candidates): void {
    const n = this.shape.anchors;
    const nc = this.shape.classes;
    const best = this.best;
    const bestClass = this.bestClass;
    best.fill(-Infinity);
    bestClass.fill(0);
    for (let c = 0; c < nc; c++) {
      const row = (4 + c) * n;
      for (let i = 0; i < n; i++) {
        const s = data[row + i]!;
        // Strict >: the first of equal scores wins, as torch's max() returns the first maximal index.
        if (s > best[i]!) {
          best[i] = s;
          bestClass[i] = c;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const s = best[i]!;
      if (s > conf) out.pushCenter(data[i]!, data[n + i]!, data[2 * n + i]!, data[3 * n + i]!, s, bestClass[i]!);
    }
  }

  private decodeV5(data: Float32Array, conf: number, out: Candidates): void {
    const n = this.shape.anchors;
    const nc = this.shape.classes;
    const stride = 5 + nc;
    for (let i = 0, o = 0; i < n; i++, o += stride) {
      const obj = data[o + 4]!;
      if (!(obj > conf)) continue;
      let s = -Infinity;
      let cls = 0;
      for (let c = 0; c < nc; c++) {
        const v = data[o + 5 + c]! * obj;
        if (v > s) {
          s = v;
          cls = c;
        }
      }
      if (s > conf) out.pushCenter(data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!, s, cls);
    }
  }
}
