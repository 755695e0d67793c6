import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LookoutError } from '../../src/errors.ts';
import { parseYoloLabels } from '../../src/dataset/yolo-labels.ts';
import { readYoloDataset } from '../../src/dataset/read-yolo-dataset.ts';
import { tempDir, writeTree } from './helpers.ts';

const GOOD = '0 0.5 0.5 0.2 0.3\n2 0.25 0.75 0.1 0.1\n';

const CASES: [string, string][] = [
  ['too few fields', '1 0.5 0.5 0.2'],
  ['too many fields', '1 0.5 0.5 0.2 0.2 0.9'],
  ['a word', '1 0.5 abc 0.2 0.2'],
  ['hex', '1 0x1 0.5 0.2 0.2'],
  ['NaN', '1 NaN 0.5 0.2 0.2'],
  ['class out of range', '3 0.5 0.5 0.2 0.2'],
  ['negative class', '-1 0.5 0.5 0.2 0.2'],
  ['fractional class', '1.5 0.5 0.5 0.2 0.2'],
  ['centre above 1', '1 1.2 0.5 0.2 0.2'],
  ['centre below 0', '1 0.5 -0.1 0.2 0.2'],
  ['box past the right edge', '1 0.95 0.5 0.2 0.2'],
  ['zero width', '1 0.5 0.5 0 0.2'],
  ['negative height', '1 0.5 0.5 0.2 -0.2'],
];

test('each kind of malformed label line gives BAD_LABEL at file:line', () => {
  for (const [name, line] of CASES) {
    assert.throws(
      () => parseYoloLabels(`${GOOD}\n${line}\n`, '/d/labels/a.txt', 3),
      (e: unknown) => e instanceof LookoutError && e.code === 'BAD_LABEL' && e.where === '/d/labels/a.txt:4',
      name,
    );
  }
});

test('good lines parse, blank lines and tiny rounding overshoots are tolerated', () => {
  const boxes = parseYoloLabels(`${GOOD}\r\n   \n1 1.0000004 0.5 0.0000008 0.1\n1.0 0.5 0.5 1 1\n`, 'x.txt', 3);
  assert.deepEqual(boxes.map((b) => b.classId), [0, 2, 1, 1]);
  assert.deepEqual(boxes[0], { classId: 0, cx: 0.5, cy: 0.5, w: 0.2, h: 0.3 });
});

test('the reader reports a bad line in a data set with the label file path and line number', async (t) => {
  const root = await tempDir(t);
  await writeTree(root, {
    'data.yaml': 'train: images/train\nval: images/train\nnames: [a, b, c]\n',
    'images/train/one.png': 'not read',
    'labels/train/one.txt': `${GOOD}5 0.5 0.5 0.1 0.1\n`,
  });
  await assert.rejects(readYoloDataset(root, 'train'), (e: unknown) => {
    return e instanceof LookoutError && e.code === 'BAD_LABEL' && e.where === `${join(root, 'labels/train/one.txt')}:3`;
  });
  const errors: LookoutError[] = [];
  const ds = await readYoloDataset(root, 'train', { errors });
  assert.equal(errors.length, 1);
  assert.equal(ds.items.length, 1);
});
