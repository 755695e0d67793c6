/**
 * Decode + NMS + mapping back to frame pixels: the part of a detection after session.run(). Standalone so the
 * benchmark can time it apart from inference, and so eval and the agent share it through the worker.
 */
import { Candidates } from './candidates.ts';
import { mapBoxToFrame, type BoxMapping } from './letterbox.ts';
import { Nms, type NmsOptions } from './nms.ts';
import { OutputDecoder, type OutputShape } from './output-decoder.ts';
import type { Detection } from './types.ts';

export interface PostprocessOptions extends NmsOptions {
  /** Confidence threshold, strict (score > conf), on the best class score (x objectness for YOLOv5). */
  readonly conf: number;
}

export const DEFAULT_POSTPROCESS: PostprocessOptions = { conf: 0.25, iou: 0.7, maxDet: 300, maxCandidates: 30000 };

export class Postprocessor {
  private readonly decoder: OutputDecoder;
  private readonly candidates: Candidates;
  private readonly nms: Nms;

  constructor(readonly shape: OutputShape, private readonly labels: readonly string[], private readonly options: PostprocessOptions) {
    this.decoder = new OutputDecoder(shape);
    this.candidates = new Candidates(shape.anchors);
    this.nms = new Nms(shape.anchors);
  }

  /** Detections in frame pixels, best score first. Only the returned objects are allocated. */
  run(output: Float32Array, mapping: BoxMapping): Detection[] {
    const c = this.candidates;
    this.decoder.decode(output, this.options.conf, c);
    const n = this.nms.run(c, this.options);
    const kept = this.nms.kept;
    const detections: Detection[] = new Array<Detection>(n);
    for (let k = 0; k < n; k++) {
      const i = kept[k]!;
      const o = i * 4;
      const classId = c.classIds[i]!;
      detections[k] = {
        classId,
        label: this.labels[classId] ?? `class${classId}`,
        score: c.scores[i]!,
        box: mapBoxToFrame(mapping, c.boxes[o]!, c.boxes[o + 1]!, c.boxes[o + 2]!, c.boxes[o + 3]!),
      };
    }
    return detections;
  }
}
