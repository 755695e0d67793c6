/**
 * The data set description file of the Ultralytics layout (docs.ultralytics.com/datasets/detect/):
 * `path` (root, relative to the yaml's folder when relative), `train` / `val` / `test` (a folder, a .txt list
 * of images, or a list of those, relative to the root), `names` (a list, or a mapping from class id to name).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { LookoutError } from '../errors.ts';

export type Split = 'train' | 'val' | 'test';

export interface DataYaml {
  /** The yaml file read. */
  readonly file: string;
  /** Absolute data set root. */
  readonly root: string;
  readonly names: string[];
  /** Per split, the absolute image folders or list files; absent when the yaml does not name the split. */
  readonly splits: Partial<Record<Split, string[]>>;
}

function fail(code: string, file: string, field: string | undefined, message: string): LookoutError {
  return new LookoutError('dataset', code, message, { where: field === undefined ? file : `${file}: ${field}` });
}

function parseNames(file: string, raw: unknown, nc: unknown): string[] {
  let names: string[];
  if (Array.isArray(raw)) {
    names = raw.map((n, i) => {
      if (typeof n !== 'string' || n === '') throw fail('BAD_NAMES', file, `names[${i}]`, 'class names must be non-empty strings');
      return n;
    });
  } else if (raw !== null && typeof raw === 'object') {
    const entries = Object.entries(raw as Record<string, unknown>);
    names = new Array<string>(entries.length);
    for (const [key, n] of entries) {
      const id = /^\d+$/.test(key) ? Number(key) : NaN;
      if (!Number.isInteger(id) || id >= entries.length) {
        throw fail('BAD_NAMES', file, `names.${key}`, `class ids must be 0..${entries.length - 1} with no gaps`);
      }
      if (typeof n !== 'string' || n === '') throw fail('BAD_NAMES', file, `names.${key}`, 'class names must be non-empty strings');
      names[id] = n;
    }
  } else {
    throw fail('BAD_NAMES', file, 'names', 'names is missing: give a list or a mapping from class id to name');
  }
  if (names.length === 0) throw fail('BAD_NAMES', file, 'names', 'names is empty');
  if (nc !== undefined && nc !== names.length) {
    throw fail('BAD_NAMES', file, 'nc', `nc is ${JSON.stringify(nc)} but names has ${names.length} entries`);
  }
  return names;
}

async function locate(dataYamlOrDir: string): Promise<string> {
  const target = resolve(dataYamlOrDir);
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) throw fail('NO_DATA_YAML', target, undefined, 'no such file or folder');
  if (!info.isDirectory()) return target;
  for (const name of ['data.yaml', 'data.yml']) {
    const candidate = join(target, name);
    if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return candidate;
  }
  throw fail('NO_DATA_YAML', target, undefined, 'folder has no data.yaml');
}

export async function readDataYaml(dataYamlOrDir: string): Promise<DataYaml> {
  const file = await locate(dataYamlOrDir);
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new LookoutError('dataset', 'BAD_DATA_YAML', `cannot read YAML: ${e instanceof Error ? e.message : String(e)}`, { where: file, cause: e });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw fail('BAD_DATA_YAML', file, undefined, 'expected a mapping at the top level');
  const data = doc as Record<string, unknown>;
  const base = dirname(file);
  let root = base;
  if (data.path !== undefined && data.path !== null) {
    if (typeof data.path !== 'string') throw fail('BAD_DATA_YAML', file, 'path', 'path must be a string');
    root = isAbsolute(data.path) ? data.path : resolve(base, data.path);
  }
  const names = parseNames(file, data.names, data.nc);
  const splits: Partial<Record<Split, string[]>> = {};
  for (const split of ['train', 'val', 'test'] as const) {
    const v = data[split];
    if (v === undefined || v === null || v === '') continue;
    const list = Array.isArray(v) ? v : [v];
    splits[split] = list.map((entry, i) => {
      if (typeof entry !== 'string' || entry === '') {
        throw fail('BAD_DATA_YAML', file, Array.isArray(v) ? `${split}[${i}]` : split, 'expected a folder or list-file path');
      }
      return isAbsolute(entry) ? entry : resolve(root, entry);
    });
  }
  return { file, root, names, splits };
}

/** data.yaml text for a data set rooted at `root` with the usual images/train and images/val folders. */
/** Plain YAML scalars where they are safe (simple readers cope), double-quoted otherwise. */
function scalar(s: string): string {
  return /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/.test(s) && !s.endsWith(' ') ? s : JSON.stringify(s);
}

export function formatDataYaml(root: string, names: readonly string[], splits: readonly Split[] = ['train', 'val']): string {
  const lines = [`path: ${scalar(root)}`];
  for (const s of splits) lines.push(`${s}: images/${s}`);
  lines.push('names:');
  names.forEach((n, i) => lines.push(`  ${i}: ${scalar(n)}`));
  return lines.join('\n') + '\n';
}
