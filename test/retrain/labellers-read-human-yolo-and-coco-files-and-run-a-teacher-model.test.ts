import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { DEFAULT_DOMAIN } from '../../src/agent/camera/synthetic/domain.ts';
import { defaultModelPath } from '../../src/agent/detect/runtime-paths.ts';
import { ImportedLabeller } from '../../src/cloud/retrain/labellers/imported.ts';
import { SyntheticTruthLabeller } from '../../src/cloud/retrain/labellers/synthetic-truth.ts';
import { TeacherLabeller } from '../../src/cloud/retrain/labellers/teacher.ts';
import type { StoredSample } from '../../src/cloud/store/store.ts';
import { readYoloDataset } from '../../src/dataset/read-yolo-dataset.ts';
import { writeSynthDataset } from '../../src/dataset/synth-writer.ts';

const NAMES = ['person', 'car', 'dog'];

function sample(deviceId: string, id: string, extra: Partial<StoredSample['meta']> = {}, labels: StoredSample['labels'] = null, labelSource: string | null = null): StoredSample {
  return {
    meta: { v: 1, deviceId, id, ts: 1, reason: 'uncertain', width: 200, height: 100, predictions: [], model: { name: 'm', version: 1 }, ...extra },
    receivedAt: 1, blobKey: 'k', labels, labelSource,
  };
}

test('imported labels: YOLO files per sample, COCO files per folder, stored human labels first, none when absent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-labels-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  mkdirSync(join(dir, 'cam-1'));
  writeFileSync(join(dir, 'cam-1', 's1.txt'), '1 0.5 0.5 0.2 0.4\n');
  writeFileSync(join(dir, 'batch.json'), JSON.stringify({
    images: [{ id: 7, file_name: 'cam-2/s9.jpg', width: 200, height: 100 }, { id: 8, file_name: 'cam-2/empty.jpg', width: 200, height: 100 }],
    annotations: [{ image_id: 7, category_id: 3, bbox: [10, 20, 30, 40] }],
    categories: [{ id: 3, name: 'dog' }],
  }));
  const labeller = new ImportedLabeller(dir, NAMES);
  assert.deepEqual(await labeller.label(sample('cam-1', 's1')), [{ label: 'car', box: [80, 30, 120, 70] }]);
  assert.deepEqual(await labeller.label(sample('cam-2', 's9')), [{ label: 'dog', box: [10, 20, 40, 60] }]);
  assert.deepEqual(await labeller.label(sample('cam-2', 'empty')), [], 'listed without annotations: no objects');
  assert.equal(await labeller.label(sample('cam-3', 'x')), undefined, 'no labels at all: left out, not "no objects"');
  const human = [{ label: 'person', box: [1, 2, 3, 4] as [number, number, number, number] }];
  assert.deepEqual(await labeller.label(sample('cam-1', 's1', {}, human, 'human')), human);
  assert.equal(labeller.source, 'human');

  writeFileSync(join(dir, 'cam-1', 'bad.txt'), '9 0.5 0.5 0.2 0.4\n');
  await assert.rejects(labeller.label(sample('cam-1', 'bad')), (e) => isLookoutError(e) && /class id 9/.test(e.message) && (e.where ?? '').includes('bad.txt'));
});

test('synthetic ground truth is used as it is and named as such', async () => {
  const truth = [{ label: 'person', box: [5, 5, 50, 90] as [number, number, number, number] }];
  const labeller = new SyntheticTruthLabeller();
  assert.equal(labeller.source, 'synthetic-truth');
  assert.deepEqual(await labeller.label(sample('cam-1', 's', { syntheticTruth: truth })), truth);
  assert.equal(await labeller.label(sample('cam-1', 's')), undefined);
});

test('a teacher model labels a sample\'s JPEG through the detector code, finding what the scene holds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-teacher-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const data = await writeSynthDataset({ out: dir, count: 6, seed: 31, width: 320, height: 240, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN } });
  const items = (await readYoloDataset(data.dataYaml, 'val')).items.filter((i) => i.boxes.length > 0);
  const item = items[0];
  assert.ok(item !== undefined, 'a synthetic image with objects');
  const teacher = new TeacherLabeller(defaultModelPath(), 0.5);
  t.after(() => teacher.close());
  const labels = await teacher.label(sample('cam-1', 's', { width: 320, height: 240 }), () => readFile(item.imagePath));
  assert.ok(labels !== undefined && labels.length > 0, 'the teacher found objects');
  const want = new Set(item.boxes.map((b) => NAMES[b.classId]));
  assert.ok(labels.every((l) => NAMES.includes(l.label)));
  assert.ok(labels.some((l) => want.has(l.label)), `teacher ${labels.map((l) => l.label).join(',')} vs truth ${[...want].join(',')}`);
  assert.match(teacher.source, /^teacher:lookout-int8\.onnx$/);
});
