/**
 * `lookout eval --model M --data DIR|data.yaml [--split val] [--conf 0.001] [--iou 0.7] [--json]`:
 * mAP@0.5 and mAP@0.5:0.95 of a model on a YOLO data set split, computed as Ultralytics `val` does
 * (src/agent/detect/metrics.ts), through exactly the agent's path: the same OnnxDetector worker, fed RGB frames
 * decoded from the image files. Boxes are compared in original image pixels.
 *
 * One difference from `yolo val` remains by design: Ultralytics validates with rectangular batches (each batch
 * letterboxed to its own stride-aligned shape), while the agent always letterboxes to the model's square input,
 * and this command measures what the agent sees.
 */
import { LookoutError, isLookoutError } from '../errors.ts';
import { OnnxDetector, type OnnxDetectorOptions } from '../agent/detect/onnx-detector.ts';
import { DetectionMetrics, type ScoredBox, type TruthBox } from '../agent/detect/metrics.ts';
import type { DetectorInfo } from '../agent/detect/types.ts';
import { readYoloDataset, type YoloDataset } from '../dataset/read-yolo-dataset.ts';
import type { Split } from '../dataset/data-yaml.ts';
import type { YoloBox } from '../dataset/yolo-labels.ts';
import { decodeImageFile } from '../image/decode-image.ts';
import { reportError } from './command.ts';
import { describeProvider, detectorArgs, detectorOptionsFrom, parseCommandArgs, stderrLogger } from './detect.ts';

export const summary = 'measure mAP50 and mAP50-95 of a model on a YOLO data set split, through the agent\'s code path';

const usage = `usage: lookout eval --data DIR|data.yaml [--model M] [--split val] [--conf 0.001] [--iou 0.7]
                    [--labels FILE] [--providers cpu,...] [--threads N] [--json]
  --data   a YOLO data set: its data.yaml, or the folder holding it
  --split  train, val or test (default val)
  --conf   confidence threshold (default 0.001, as Ultralytics val)
  --json   one JSON document with the totals and per-class AP
`;

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

function truthBoxes(boxes: readonly YoloBox[], width: number, height: number): TruthBox[] {
  return boxes.map((b) => ({
    classId: b.classId,
    box: [(b.cx - b.w / 2) * width, (b.cy - b.h / 2) * height, (b.cx + b.w / 2) * width, (b.cy + b.h / 2) * height],
  }));
}

/** Starts the detector; a model without names of its own takes the data set's names. */
async function startDetector(options: OnnxDetectorOptions, data: YoloDataset): Promise<{ detector: OnnxDetector; info: DetectorInfo }> {
  const first = new OnnxDetector(options, { logger: stderrLogger });
  try {
    return { detector: first, info: await first.start() };
  } catch (e) {
    if (!isLookoutError(e) || e.code !== 'NO_LABELS') throw e;
  }
  const second = new OnnxDetector({ ...options, labels: data.names }, { logger: stderrLogger });
  return { detector: second, info: await second.start() };
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export async function run(argv: string[]): Promise<number> {
  let detector: OnnxDetector | undefined;
  try {
    const { values } = parseCommandArgs({
      args: argv,
      allowPositionals: false,
      options: { ...detectorArgs, data: { type: 'string' }, split: { type: 'string', default: 'val' } },
    });
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    if (values.data === undefined) throw new LookoutError('cli', 'BAD_ARGUMENT', '--data is required', { where: '--data' });
    const split = SPLITS.find((s) => s === values.split);
    if (split === undefined) throw new LookoutError('cli', 'BAD_ARGUMENT', `expected one of ${SPLITS.join(', ')}`, { where: '--split' });
    const options = detectorOptionsFrom(values, { conf: 0.001, iou: 0.7 });

    const data = await readYoloDataset(values.data, split);
    if (data.items.length === 0) throw new LookoutError('dataset', 'EMPTY_SPLIT', `the ${split} split has no images`, { where: data.dataYaml });
    const started = await startDetector(options, data);
    detector = started.detector;
    const info = started.info;
    process.stderr.write(describeProvider(info));
    const labels = info.model.labels;
    if (labels.length !== data.names.length || labels.some((l, i) => l !== data.names[i])) {
      stderrLogger.warn({ model: labels.join(','), data: data.names.join(',') }, 'model and data set name their classes differently; class ids are compared as they are');
    }

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
    const report = {
      model: info.model.path,
      data: data.dataYaml,
      split,
      provider: info.provider,
      conf: options.conf,
      iou: options.iou,
      images: s.images,
      instances: s.truths,
      predictions: s.predictions,
      map50: r4(s.map50),
      map50_95: r4(s.map50to95),
      speedMs: { preprocess: r4(time.preprocessMs / n), inference: r4(time.inferenceMs / n), postprocess: r4(time.postprocessMs / n) },
      classes: s.classes.map((c) => ({ classId: c.classId, name: name(c.classId), instances: c.truths, predictions: c.predictions, ap50: r4(c.ap50), ap50_95: r4(c.ap50to95) })),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const w = Math.max(5, ...report.classes.map((c) => c.name.length));
      const line = (a: string, b: string, c: string, d: string, e: string): string => `${a.padEnd(w)}  ${b.padStart(9)}  ${c.padStart(11)}  ${d.padStart(6)}  ${e.padStart(8)}\n`;
      process.stdout.write(line('class', 'instances', 'predictions', 'AP50', 'AP50-95'));
      process.stdout.write(line('all', String(report.instances), String(report.predictions), report.map50.toFixed(3), report.map50_95.toFixed(3)));
      for (const c of report.classes) process.stdout.write(line(c.name, String(c.instances), String(c.predictions), c.ap50.toFixed(3), c.ap50_95.toFixed(3)));
      process.stdout.write(`${report.images} images; per image ${report.speedMs.preprocess.toFixed(1)} ms preprocess, ` +
        `${report.speedMs.inference.toFixed(1)} ms inference, ${report.speedMs.postprocess.toFixed(1)} ms postprocess\n`);
    }
    return 0;
  } catch (e) {
    return reportError(e);
  } finally {
    await detector?.stop();
  }
}
