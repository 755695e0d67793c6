/**
 * Reads one split of a YOLO data set: its images and their labels. Labels are found as Ultralytics does
 * (`img2label_paths`): the last `/images/` segment of the image path becomes `/labels/` and the extension
 * `.txt`. A missing label file means an image with no objects.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { LookoutError } from '../errors.ts';
import { readDataYaml, type DataYaml, type Split } from './data-yaml.ts';
import { parseYoloLabels, type YoloBox } from './yolo-labels.ts';

/** Image extensions a data set may hold (lower case, with the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff'];

export interface YoloItem {
  readonly imagePath: string;
  readonly labelPath: string;
  /** False when there is no label file (the image has no objects). */
  readonly hasLabelFile: boolean;
  readonly boxes: YoloBox[];
}

export interface YoloDataset {
  readonly dataYaml: string;
  readonly root: string;
  readonly split: Split;
  readonly names: string[];
  readonly items: YoloItem[];
}

export interface ReadOptions {
  /** Collect bad-label errors here and keep going (the item gets no boxes), instead of throwing the first. */
  readonly errors?: LookoutError[];
}

export function labelPathFor(imagePath: string): string {
  const marker = `${sep}images${sep}`;
  const at = imagePath.lastIndexOf(marker);
  const swapped = at < 0 ? imagePath : `${imagePath.slice(0, at)}${sep}labels${sep}${imagePath.slice(at + marker.length)}`;
  const ext = extname(swapped);
  return `${swapped.slice(0, swapped.length - ext.length)}.txt`;
}

function isImage(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (isImage(p)) out.push(p);
  }
}

async function imagesOf(source: string, yamlFile: string, split: Split): Promise<string[]> {
  const info = await stat(source).catch(() => undefined);
  if (info === undefined) {
    throw new LookoutError('dataset', 'MISSING_SPLIT', `the ${split} split's images are missing: ${source}`, { where: `${yamlFile}: ${split}` });
  }
  if (info.isDirectory()) {
    const out: string[] = [];
    await walk(source, out);
    return out;
  }
  // A list file: one image path per line, relative ones against the list file's folder.
  const text = await readFile(source, 'utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => resolve(dirname(source), l));
}

async function readItem(imagePath: string, classCount: number, options: ReadOptions): Promise<YoloItem> {
  const labelPath = labelPathFor(imagePath);
  let text: string;
  try {
    text = await readFile(labelPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { imagePath, labelPath, hasLabelFile: false, boxes: [] };
    throw new LookoutError('dataset', 'UNREADABLE_LABEL', `cannot read label file: ${(e as Error).message}`, { where: labelPath, cause: e });
  }
  try {
    return { imagePath, labelPath, hasLabelFile: true, boxes: parseYoloLabels(text, labelPath, classCount) };
  } catch (e) {
    if (options.errors === undefined || !(e instanceof LookoutError)) throw e;
    options.errors.push(e);
    return { imagePath, labelPath, hasLabelFile: true, boxes: [] };
  }
}

export async function readSplit(config: DataYaml, split: Split, options: ReadOptions = {}): Promise<YoloDataset> {
  const sources = config.splits[split];
  if (sources === undefined) {
    throw new LookoutError('dataset', 'NO_SPLIT', `data set has no '${split}' split`, { where: `${config.file}: ${split}` });
  }
  const images: string[] = [];
  for (const s of sources) images.push(...(await imagesOf(s, config.file, split)));
  images.sort();
  const items: YoloItem[] = [];
  for (const imagePath of images) items.push(await readItem(imagePath, config.names.length, options));
  return { dataYaml: config.file, root: config.root, split, names: config.names, items };
}

/** Reads `split` of the data set described by a data.yaml (or a folder holding one). */
export async function readYoloDataset(dataYamlOrDir: string, split: Split, options: ReadOptions = {}): Promise<YoloDataset> {
  return readSplit(await readDataYaml(dataYamlOrDir), split, options);
}
