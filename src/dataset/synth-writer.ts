/**
 * Writes a synthetic data set in the Ultralytics/YOLO layout: images/{train,val}/NAME.jpg,
 * labels/{train,val}/NAME.txt, data.yaml and meta.json (how to make the same set again).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { LookoutError } from '../errors.ts';
import type { DomainShift } from '../agent/camera/synthetic/domain.ts';
import { SYNTH_LABELS } from '../agent/camera/synthetic/labels.ts';
import { hashSeed } from '../agent/camera/synthetic/prng.ts';
import { renderScene, SYNTH_VERSION } from '../agent/camera/synthetic/scene.ts';
import { formatDataYaml } from './data-yaml.ts';
import { writeYoloLabels, yoloBoxFromPixels } from './yolo-labels.ts';

export type ImageFormat = 'jpg' | 'png';

export interface SynthDatasetOptions {
  readonly out: string;
  readonly count: number;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  /** Fraction of images in the val split (0 <= val < 1). */
  readonly val: number;
  readonly format: ImageFormat;
  readonly domain: DomainShift;
  /** Replace the data set files (images/, labels/, data.yaml, meta.json) of a non-empty folder. */
  readonly force?: boolean;
}

export interface SynthProgress {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface SplitSummary {
  images: number;
  /** Images with no object. */
  empty: number;
  /** Objects per class name. */
  objects: Record<string, number>;
}

export interface SynthSummary {
  readonly out: string;
  readonly dataYaml: string;
  readonly splits: { readonly train: SplitSummary; readonly val: SplitSummary };
}

/** JPEG quality for written images: high enough that compression artefacts stay below the sensor noise. */
export const JPEG_QUALITY = 92;
const IN_FLIGHT = 4;

/** The per-image seed, so any one image can be rendered again on its own. */
export function imageSeed(seed: number, index: number): number {
  return hashSeed(seed, index);
}

export function imageName(seed: number, index: number): string {
  return `s${seed}-${String(index).padStart(6, '0')}`;
}

async function prepare(out: string, force: boolean): Promise<void> {
  const entries = await readdir(out).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    throw new LookoutError('cli', 'BAD_OUT', `cannot use output folder: ${(e as Error).message}`, { where: '--out', cause: e });
  });
  if (entries.length > 0) {
    if (!force) throw new LookoutError('cli', 'OUT_NOT_EMPTY', `${out} is not empty (use --force to replace its data set)`, { where: '--out' });
    for (const name of ['images', 'labels', 'data.yaml', 'meta.json']) await rm(join(out, name), { recursive: true, force: true });
  }
  for (const kind of ['images', 'labels']) for (const split of ['train', 'val']) await mkdir(join(out, kind, split), { recursive: true });
}

function emptySummary(): SplitSummary {
  return { images: 0, empty: 0, objects: Object.fromEntries(SYNTH_LABELS.map((l) => [l, 0])) };
}

export async function writeSynthDataset(opts: SynthDatasetOptions, onProgress?: (p: SynthProgress) => void): Promise<SynthSummary> {
  const out = resolve(opts.out);
  await prepare(out, opts.force === true);
  const valCount = Math.round(opts.count * opts.val);
  const trainCount = opts.count - valCount;
  const summary = { train: emptySummary(), val: emptySummary() };
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < opts.count; i++) {
    const split = i < trainCount ? 'train' : 'val';
    const name = imageName(opts.seed, i);
    const scene = renderScene({ width: opts.width, height: opts.height, seed: imageSeed(opts.seed, i), domain: opts.domain });
    const s = summary[split];
    s.images++;
    if (scene.objects.length === 0) s.empty++;
    for (const o of scene.objects) s.objects[o.label] = (s.objects[o.label] ?? 0) + 1;
    const boxes = scene.objects.map((o) => yoloBoxFromPixels(o.classId, o.box, scene.width, scene.height));
    const img = sharp(scene.rgb, { raw: { width: scene.width, height: scene.height, channels: 3 } });
    const encoded = opts.format === 'jpg' ? img.jpeg({ quality: JPEG_QUALITY }) : img.png();
    // Encoding runs on libuv's pool while the next scene renders on this thread.
    pending.push(
      Promise.all([
        encoded.toFile(join(out, 'images', split, `${name}.${opts.format}`)),
        writeYoloLabels(join(out, 'labels', split, `${name}.txt`), boxes),
      ]).then(() => undefined),
    );
    if (pending.length >= IN_FLIGHT) await pending.shift();
    onProgress?.({ done: i + 1, total: opts.count, elapsedMs: performance.now() - started });
  }
  await Promise.all(pending);
  const dataYaml = join(out, 'data.yaml');
  await writeFile(dataYaml, formatDataYaml(out, SYNTH_LABELS));
  const meta = {
    generator: 'lookout-synth',
    version: SYNTH_VERSION,
    seed: opts.seed,
    count: opts.count,
    width: opts.width,
    height: opts.height,
    val: opts.val,
    format: opts.format,
    jpegQuality: opts.format === 'jpg' ? JPEG_QUALITY : undefined,
    domain: opts.domain,
    names: SYNTH_LABELS,
    splits: summary,
    imageSeed: 'hashSeed(seed, index), see src/dataset/synth-writer.ts',
  };
  await writeFile(join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  return { out, dataYaml, splits: summary };
}
