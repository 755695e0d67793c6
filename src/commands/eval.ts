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
import { LookoutError } from '../errors.ts';
import type { Split } from '../dataset/data-yaml.ts';
import { EVAL_DEFAULTS, evaluateModel } from '../dataset/evaluate-model.ts';
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

export async function run(argv: string[]): Promise<number> {
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
    const options = detectorOptionsFrom(values, EVAL_DEFAULTS);
    const { info, namesDiffer, ...report } = await evaluateModel(options, values.data, split, stderrLogger);
    process.stderr.write(describeProvider(info));
    if (namesDiffer !== undefined) {
      stderrLogger.warn({ model: namesDiffer.model.join(','), data: namesDiffer.data.join(',') }, 'model and data set name their classes differently; class ids are compared as they are');
    }
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
  }
}
