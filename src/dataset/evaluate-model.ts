/**
 * mAP@0.5 and mAP@0.5:0.95 of a model on a YOLO data set split, computed as Ultralytics `val` does
 * (src/agent/detect/metrics.ts), through exactly the agent's path: the same OnnxDetector worker, fed RGB frames
 * decoded from the image files. Boxes are compared in original image pixels. Used by `lookout eval` and by the
 * cloud's evaluation gate.
 */
import { DetectionMetrics, type ScoredBox, type TruthBox } from '../agent/detect/metrics.ts';
import { OnnxDetector, type OnnxDetectorOptions } from '../agent/detect/onnx-detector.ts';
import type { DetectorInfo } from '../agent/detect/types.ts';
import { isLookoutError, LookoutError } from '../errors.ts';
import { decodeImageFile } from '../image/decode-image.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Split } from './data-yaml.ts';
import { readYoloDataset, type YoloDataset } from './read-yolo-dataset.ts';
import type { YoloBox } from './yolo-labels.ts';

export interface EvalReport {
  readonly model: string;
  readonly data: string;
  readonly split: Split;
  readonly provider: string;
  readonly conf: number;
  readonly iou: number;
  readonly images: number;
  readonly instances: number;
  readonly predictions: number;
  readonly map50: number;
  readonly map50_95: number;
  readonly speedMs: { readonly preprocess: number; readonly inference: number; readonly postprocess: number };
  readonly classes: readonly { classId: number; name: string; instances: number; predictions: number; ap50: number; ap50_95: number }[];
  /** The model's class names and the data set's, when they differ (class ids are compared as they are). */
  readonly namesDiffer?: { readonly model: readonly string[]; readonly data: readonly string[] };
  readonly info: DetectorInfo;
}

function truthBoxes(boxes: readonly YoloBox[], width: number, height: number): TruthBox[] {
  return boxes.map((b) => ({
    classId: b.classId,
    box: [(b.cx - b.w / 2) * width, (b.cy - b.h / 2) * height, (b.cx + b.w / 2) * width, (b.cy + b.h / 2) * height],
  }));
}

/** Starts the detector; a model without names of its own takes the data set's names. */
async function startDetector(options: OnnxDetectorOptions, data: YoloDataset, logger: Logger): Promise<{ detector: OnnxDetector; info: DetectorInfo }> {
  const first = new OnnxDetector(options, { logger });
  try {
    return { detector: first, info: await first.start() };
  } catch (e) {
    if (!isLookoutError(e) || e.code !== 'NO_LABELS') throw e;
  }
  const second = new OnnxDetector({ ...options, labels: data.names }, { logger });
  return { detector: second, info: await second.start() };
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Ultralytics' validation thresholds: every prediction down to 0.001 counts towards the PR curve. */
export const EVAL_DEFAULTS = { conf: 0.001, iou: 0.7 } as const;

export async function evaluateModel(options: OnnxDetectorOptions, dataYamlOrDir: string, split: Split, logger: Logger = silentLogger): Promise<EvalReport> {
  const data = await readYoloDataset(dataYamlOrDir, split);
  if (data.items.length === 0) throw new LookoutError('dataset', 'EMPTY_SPLIT', `the ${split} split has no images`, { where: data.dataYaml });
  const { detector, info } = await startDetector(options, data, logger);
  try {
    const labels = info.model.labels;
    const differ = labels.length !== data.names.length || labels.some((l, i) => l !== data.names[i]);
    const metrics = new DetectionMetrics();
    const time = { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 };
    let seq = 0;
    for (const item of data.items) {
      const image = await decodeImageFile(item.imagePath);
      const result = await detector.detect({ data: image.data, width: image.width, height: image.height, format: 'rgb24', capturedAt: performance.now(), seq: seq++ });
      time.preprocessMs += result.timings.preprocessMs;
      time.inferenceMs += result.timings.inferenceMs;
      time.postprocessMs += result.timings.postprocessMs;
      const predictions: ScoredBox[] = result.detections.map((d) => ({ classId: d.classId, score: d.score, box: d.box }));
      metrics.add(predictions, truthBoxes(item.boxes, image.width, image.height));
    }
    const s = metrics.summary();
    const n = Math.max(1, s.images);
    const name = (id: number): string => data.names[id] ?? labels[id] ?? `class${id}`;
    return {
      model: info.model.path,
      data: data.dataYaml,
      split,
      provider: info.provider,
      conf: options.conf ?? EVAL_DEFAULTS.conf,
      iou: options.iou ?? EVAL_DEFAULTS.iou,
      images: s.images,
      instances: s.truths,
      predictions: s.predictions,
      map50: r4(s.map50),
      map50_95: r4(s.map50to95),
      speedMs: { preprocess: r4(time.preprocessMs / n), inference: r4(time.inferenceMs / n), postprocess: r4(time.postprocessMs / n) },
      classes: s.classes.map((c) => ({ classId: c.classId, name: name(c.classId), instances: c.truths, predictions: c.predictions, ap50: r4(c.ap50), ap50_95: r4(c.ap50to95) })),
      ...(differ && { namesDiffer: { model: labels, data: data.names } }),
      info,
    };
  } finally {
    await detector.stop();
  }
}
