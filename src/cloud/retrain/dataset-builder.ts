/**
 * A retraining job's data set: the chosen samples' JPEGs and their labels in YOLO format, split into `train`
 * and a held-out `val` part (the gate's "new data" test). The split is by a hash of the sample's identity,
 * so a sample never moves between the parts when a job is run again on overlapping samples.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDataYaml } from '../../dataset/data-yaml.ts';
import { writeYoloLabels, yoloBoxFromPixels, type YoloBox } from '../../dataset/yolo-labels.ts';
import type { Store, StoredSample } from '../store/store.ts';
import type { Labeller } from './labellers/labeller.ts';

export interface BuiltDataset {
  readonly dataYaml: string;
  readonly train: number;
  readonly val: number;
  /** Of `train`, samples from before the drift. */
  readonly original: number;
  /** Samples the labeller had no labels for. */
  readonly unlabelled: number;
  /** Boxes with a class the model does not know (left out, counted). */
  readonly unknownClassBoxes: number;
  readonly labelSource: string;
}

export function isHeldOut(sample: StoredSample, share: number): boolean {
  const h = createHash('sha256').update(`${sample.meta.deviceId}/${sample.meta.id}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < share;
}

export async function buildDataset(options: {
  readonly store: Store;
  /** Samples of the scene as it is now: split into train and held-out. */
  readonly samples: readonly StoredSample[];
  /** Samples of the scene as it was: training only (the held-out part judges the new scene). */
  readonly original?: readonly StoredSample[];
  readonly labeller: Labeller;
  /** The model's class names, in class-id order. */
  readonly names: readonly string[];
  readonly dir: string;
  readonly heldOut: number;
}): Promise<BuiltDataset> {
  const { store, labeller, names, dir } = options;
  const classOf = new Map(names.map((n, i) => [n, i]));
  for (const split of ['train', 'val']) {
    await mkdir(join(dir, 'images', split), { recursive: true });
    await mkdir(join(dir, 'labels', split), { recursive: true });
  }
  let train = 0;
  let val = 0;
  let unlabelled = 0;
  let unknownClassBoxes = 0;
  let originals = 0;
  const all = [...options.samples.map((s) => ({ s, fresh: true })), ...(options.original ?? []).map((s) => ({ s, fresh: false }))];
  for (const { s: sample, fresh } of all) {
    const { deviceId, id, width, height } = sample.meta;
    let bytes: Uint8Array | undefined;
    const jpeg = async (): Promise<Uint8Array> => {
      bytes ??= await store.getSampleJpeg(deviceId, id);
      if (bytes === undefined) throw new Error(`sample ${deviceId}/${id} has no JPEG`);
      return bytes;
    };
    const labels = await labeller.label(sample, jpeg);
    if (labels === undefined) {
      unlabelled++;
      continue;
    }
    // Kept with the sample: the dashboard shows what a model was trained on, and who said so.
    await store.setSampleLabels(deviceId, id, labels, labeller.source);
    const boxes: YoloBox[] = [];
    for (const l of labels) {
      const classId = classOf.get(l.label);
      if (classId === undefined) {
        unknownClassBoxes++;
        continue;
      }
      const b = yoloBoxFromPixels(classId, l.box, width, height);
      if (b.w > 0 && b.h > 0) boxes.push(b);
    }
    const split = fresh && isHeldOut(sample, options.heldOut) ? 'val' : 'train';
    const name = `${deviceId}_${id}`;
    await writeFile(join(dir, 'images', split, `${name}.jpg`), await jpeg());
    await writeYoloLabels(join(dir, 'labels', split, `${name}.txt`), boxes);
    if (split === 'val') val++;
    else train++;
    if (!fresh) originals++;
  }
  const dataYaml = join(dir, 'data.yaml');
  await writeFile(dataYaml, formatDataYaml(dir, names));
  return { dataYaml, train, val, original: originals, unlabelled, unknownClassBoxes, labelSource: labeller.source };
}
