import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { LookoutError } from '../../src/errors.ts';
import { labelPathFor } from '../../src/dataset/read-yolo-dataset.ts';
import { formatYoloLabels, parseYoloLabels, writeYoloLabels, yoloBoxFromPixels } from '../../src/dataset/yolo-labels.ts';
import { tempDir } from './helpers.ts';

test('labels are written one line per box with 6 decimals, empty for no boxes, and read back', async (t) => {
  const dir = await tempDir(t);
  const box = yoloBoxFromPixels(2, [10, 20, 50, 80], 200, 100);
  assert.deepEqual(box, { classId: 2, cx: 0.15, cy: 0.5, w: 0.2, h: 0.6 });
  await writeYoloLabels(join(dir, 'a.txt'), [box, { classId: 0, cx: 1 / 3, cy: 0.5, w: 0.1, h: 0.25 }]);
  const text = await readFile(join(dir, 'a.txt'), 'utf8');
  assert.equal(text, '2 0.150000 0.500000 0.200000 0.600000\n0 0.333333 0.500000 0.100000 0.250000\n');
  assert.equal(parseYoloLabels(text, 'a.txt', 3).length, 2);
  await writeYoloLabels(join(dir, 'empty.txt'), []);
  assert.equal(await readFile(join(dir, 'empty.txt'), 'utf8'), '');
  assert.throws(() => formatYoloLabels([{ classId: 0, cx: Number.NaN, cy: 0.5, w: 0.1, h: 0.1 }]), (e: unknown) => e instanceof LookoutError && e.code === 'BAD_BOX' && e.where === 'boxes[0]');
  // Boxes are clipped to the image before normalising.
  assert.deepEqual(yoloBoxFromPixels(1, [-10, 0, 100, 50], 100, 50), { classId: 1, cx: 0.5, cy: 0.5, w: 1, h: 1 });
});

test('label paths swap the last /images/ segment for /labels/ and the extension for .txt', () => {
  assert.equal(labelPathFor('/d/images/train/a.b.jpg'), '/d/labels/train/a.b.txt');
  assert.equal(labelPathFor('/images/x/images/val/p.PNG'), '/images/x/labels/val/p.txt');
  assert.equal(labelPathFor('/d/pics/q.jpeg'), '/d/pics/q.txt');
});
