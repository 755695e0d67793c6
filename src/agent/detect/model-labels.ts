/**
 * Where a model's class names come from, first match wins:
 *   1. names given by the caller (`--labels FILE`, or a config's list): an explicit choice overrides the model;
 *   2. the model's `names` metadata (what Ultralytics exports write);
 *   3. a labels file beside the model: `<model stem>.labels.txt`, then `labels.txt`;
 * else LookoutError('model', 'NO_LABELS').
 */
import { access } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { LookoutError } from '../../errors.ts';
import { parseClassNames, readLabelsFile } from './class-names.ts';

export interface LabelSource {
  readonly labels?: readonly string[] | undefined;
  readonly labelsPath?: string | undefined;
}

export interface ResolvedLabels {
  readonly labels: readonly string[];
  /** "option", "metadata", or the labels file's path. */
  readonly source: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export function sidecarLabelPaths(modelPath: string): string[] {
  const dir = dirname(modelPath);
  return [join(dir, `${basename(modelPath, extname(modelPath))}.labels.txt`), join(dir, 'labels.txt')];
}

export async function resolveLabels(modelPath: string, metadata: ReadonlyMap<string, string>, given: LabelSource): Promise<ResolvedLabels> {
  if (given.labels !== undefined) {
    if (given.labels.length === 0) throw new LookoutError('model', 'BAD_LABELS', 'the label list is empty', { where: 'labels' });
    return { labels: given.labels, source: 'option' };
  }
  if (given.labelsPath !== undefined) return { labels: await readLabelsFile(given.labelsPath), source: given.labelsPath };
  const names = metadata.get('names');
  if (names !== undefined) return { labels: parseClassNames(names, modelPath), source: 'metadata' };
  for (const path of sidecarLabelPaths(modelPath)) {
    if (await exists(path)) return { labels: await readLabelsFile(path), source: path };
  }
  throw new LookoutError('model', 'NO_LABELS',
    `model has no "names" metadata and no labels file (${sidecarLabelPaths(modelPath).map((p) => basename(p)).join(' or ')} beside it); pass --labels FILE`,
    { where: modelPath });
}
