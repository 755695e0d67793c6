/**
 * Validates a YOLO data set: data.yaml, every label line of every split, that images open, and files that
 * do not pair up. Collects every problem instead of stopping at the first.
 */
import { readdir } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import { LookoutError } from '../errors.ts';
import { readDataYaml, type Split } from './data-yaml.ts';
import { readSplit } from './read-yolo-dataset.ts';

export interface SplitReport {
  readonly split: Split;
  readonly images: number;
  readonly empty: number;
  readonly missingLabels: number;
  /** Boxes per class id. */
  readonly boxes: number[];
}

export interface CheckReport {
  readonly dataYaml: string;
  readonly names: string[];
  readonly splits: SplitReport[];
  readonly errors: LookoutError[];
  readonly warnings: string[];
}

async function listTxt(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTxt(p)));
    else if (extname(p) === '.txt') out.push(p);
  }
  return out;
}

export async function checkYoloDataset(dataYamlOrDir: string, opts: { readonly images?: boolean } = {}): Promise<CheckReport> {
  const config = await readDataYaml(dataYamlOrDir);
  const errors: LookoutError[] = [];
  const warnings: string[] = [];
  const splits: SplitReport[] = [];
  if (config.splits.train === undefined) errors.push(new LookoutError('dataset', 'NO_SPLIT', "data set has no 'train' split", { where: `${config.file}: train` }));
  if (config.splits.val === undefined) errors.push(new LookoutError('dataset', 'NO_SPLIT', "data set has no 'val' split", { where: `${config.file}: val` }));
  for (const split of ['train', 'val', 'test'] as const) {
    if (config.splits[split] === undefined) continue;
    let ds;
    try {
      ds = await readSplit(config, split, { errors });
    } catch (e) {
      if (e instanceof LookoutError) {
        errors.push(e);
        continue;
      }
      throw e;
    }
    const boxes = config.names.map(() => 0);
    let empty = 0;
    let missing = 0;
    for (const item of ds.items) {
      if (!item.hasLabelFile) missing++;
      if (item.boxes.length === 0) empty++;
      for (const b of item.boxes) boxes[b.classId] = (boxes[b.classId] ?? 0) + 1;
      if (opts.images !== false) {
        try {
          const meta = await sharp(item.imagePath).metadata();
          if (!(meta.width > 0 && meta.height > 0)) throw new Error('image has no size');
        } catch (e) {
          errors.push(new LookoutError('dataset', 'BAD_IMAGE', `cannot read image: ${e instanceof Error ? e.message : String(e)}`, { where: item.imagePath, cause: e }));
        }
      }
    }
    if (ds.items.length === 0) warnings.push(`${split}: no images`);
    if (missing > 0) warnings.push(`${split}: ${missing} image(s) without a label file (treated as having no objects)`);
    // Label files with no image beside them usually mean a broken copy.
    const expected = new Set(ds.items.map((i) => i.labelPath));
    const labelDirs = new Set(ds.items.map((i) => dirname(i.labelPath)));
    let orphans = 0;
    for (const dir of labelDirs) for (const t of await listTxt(dir)) if (!expected.has(t)) orphans++;
    if (orphans > 0) warnings.push(`${split}: ${orphans} label file(s) with no matching image`);
    splits.push({ split, images: ds.items.length, empty, missingLabels: missing, boxes });
  }
  return { dataYaml: config.file, names: config.names, splits, errors, warnings };
}

