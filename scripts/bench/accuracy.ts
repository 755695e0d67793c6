/**
 * Accuracy (issue 8: "int8 ≥ 1.5× faster than float at ≤ 1 point mAP loss"): mAP@0.5 and mAP@0.5:0.95 of the
 * bundled int8 model and its float twin on the model card's held-out test split, through evaluateModel, the
 * method of `lookout eval` that the card's figures come from (the agent's own preprocessing, inference and
 * decoding; Ultralytics' thresholds).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SYNTH_VERSION } from '../../src/agent/camera/synthetic/scene.ts';
import { EVAL_DEFAULTS, evaluateModel, type EvalReport } from '../../src/dataset/evaluate-model.ts';
import { writeSynthDataset } from '../../src/dataset/synth-writer.ts';
import { LookoutError } from '../../src/errors.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

export interface AccuracyBenchOptions {
  readonly int8Model: string;
  /** The same network in float: the float twin float-from-qdq.py makes of the int8 file. */
  readonly floatModel: string;
  /** Where the test split is generated, and found again by a later run. */
  readonly work: string;
  /** How many of the card's test images to evaluate: its first N (all of them at 900 or more). */
  readonly images: number;
}

/**
 * models/MODEL_CARD.md, "Accuracy": `lookout dataset synth --out test --count 1000 --seed 998 --val 0.9`, whose
 * val split (images 100..999; the first 100 are its train split) is the card's 900-image test set.
 */
const CARD_TEST = { seed: 998, count: 1000, val: 0.9, width: 640, height: 480 } as const;
const CARD_FIRST_TEST_IMAGE = CARD_TEST.count - Math.round(CARD_TEST.count * CARD_TEST.val);
const CARD_TEST_IMAGES = CARD_TEST.count - CARD_FIRST_TEST_IMAGE;

/** The part of meta.json (synth-writer.ts) that says which images a folder holds. */
const metaSchema = z.object({
  generator: z.literal('lookout-synth'),
  version: z.number(),
  seed: z.number(),
  count: z.number(),
  width: z.number(),
  height: z.number(),
  splits: z.object({ val: z.object({ images: z.number() }) }),
});

/**
 * True when `dir` holds a finished data set of exactly these images (meta.json is the generator's last write).
 * Anything else, an unreadable meta.json included, is made again.
 */
async function holdsSplit(dir: string, count: number, images: number): Promise<boolean> {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return false;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(metaPath, 'utf8'));
  } catch {
    return false;
  }
  const meta = metaSchema.safeParse(raw);
  if (!meta.success) return false;
  const m = meta.data;
  return m.version === SYNTH_VERSION && m.seed === CARD_TEST.seed && m.count === count && m.width === CARD_TEST.width &&
    m.height === CARD_TEST.height && m.splits.val.images === images;
}

/**
 * The first `images` images of the card's test split, as a data set whose val split they are. Image i of a
 * synthetic set depends only on (seed, i) (synth-writer.ts imageSeed), so a set of 100 + N images with N in val
 * holds exactly the card's first N test images, under the same names.
 */
async function cardTestSplit(work: string, images: number): Promise<{ dataYaml: string; images: number }> {
  if (!Number.isInteger(images) || images < 1) {
    throw new LookoutError('config', 'BAD_OPTION', `images must be a positive integer, got ${images}`, { where: 'images' });
  }
  const n = Math.min(images, CARD_TEST_IMAGES);
  const count = CARD_FIRST_TEST_IMAGE + n;
  const dir = join(work, `card-test-s${CARD_TEST.seed}-${n}`);
  if (!(await holdsSplit(dir, count, n))) {
    const summary = await writeSynthDataset({
      out: dir,
      count,
      seed: CARD_TEST.seed,
      width: CARD_TEST.width,
      height: CARD_TEST.height,
      val: n / count,
      format: 'jpg',
      domain: { lighting: 'day', background: 'any', appearance: 'default' },
      force: true,
    });
    if (summary.splits.val.images !== n) {
      throw new LookoutError('dataset', 'SPLIT_MISMATCH', `expected ${n} test images, the generator wrote ${summary.splits.val.images}`, { where: dir });
    }
  }
  return { dataYaml: join(dir, 'data.yaml'), images: n };
}

async function evaluate(modelPath: string, dataYaml: string): Promise<EvalReport> {
  if (!existsSync(modelPath)) throw new LookoutError('model', 'NOT_FOUND', `${modelPath} is missing`, { where: modelPath });
  return evaluateModel({ modelPath, providers: ['cpu'], conf: EVAL_DEFAULTS.conf, iou: EVAL_DEFAULTS.iou }, dataYaml, 'val');
}

export async function benchAccuracy(report: Report, o: AccuracyBenchOptions): Promise<void> {
  const section = 'accuracy';
  const split = await cardTestSplit(o.work, o.images);
  const float = await evaluate(o.floatModel, split.dataYaml);
  const int8 = await evaluate(o.int8Model, split.dataYaml);
  const which = split.images === CARD_TEST_IMAGES
    ? `the model card's test split (${split.images} images, ${int8.instances} objects)`
    : `first ${split.images} of the model card's ${CARD_TEST_IMAGES} test images (${int8.instances} objects; the card's figures use all)`;
  const method = `conf ${EVAL_DEFAULTS.conf}, NMS IoU ${EVAL_DEFAULTS.iou}`;
  const floatNote = `float twin: the int8 file's weights dequantised, so the loss is that of activation quantisation (the card's float row is the network before quantisation)`;
  const rows: readonly [string, EvalReport, string][] = [
    ['float twin', float, floatNote],
    ['int8', int8, `${which}; ${method}`],
  ];
  // Points of mAP (the card's figures × 100), so that the table's two decimals keep the card's precision.
  for (const [name, r, note] of rows) {
    report.add({ section, name: `mAP@0.5, ${name}`, unit: 'points', summary: summarize([100 * r.map50]), note });
    report.add({ section, name: `mAP@0.5:0.95, ${name}`, unit: 'points', summary: summarize([100 * r.map50_95]) });
  }
  const loss50 = 100 * (float.map50 - int8.map50);
  report.ratio({ section, name: 'int8 mAP@0.5 loss (points)', value: loss50, target: '≤ 1', met: loss50 <= 1 });
  report.ratio({ section, name: 'int8 mAP@0.5:0.95 loss (points)', value: 100 * (float.map50_95 - int8.map50_95) });
}
