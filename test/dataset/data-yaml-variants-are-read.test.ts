import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readYoloDataset } from '../../src/dataset/read-yolo-dataset.ts';
import { tempDir, writeTree } from './helpers.ts';

test('names as a list or a mapping, path relative to the yaml, split lists and list files all read', async (t) => {
  const root = await tempDir(t);
  await writeTree(root, {
    'sets/a/images/train/x.jpg': '',
    'sets/a/images/train/sub/y.png': '',
    'sets/a/labels/train/x.txt': '1 0.5 0.5 0.5 0.5\n',
    'sets/a/labels/train/sub/y.txt': '',
    'sets/a/images/extra/z.jpeg': '',
    'sets/a/images/val/v.jpg': '',
    'sets/a/notes.txt': 'ignored',
    'sets/a/list.txt': './images/val/v.jpg\n\n',
    'cfg/list-names.yaml': 'path: ../sets/a\ntrain: [images/train, images/extra]\nval: list.txt\nnames: [cat, dog]\n',
    'cfg/map-names.yml': `path: ${join(root, 'sets/a')}\ntrain: images/train\nval: images/val\nnc: 2\nnames:\n  1: dog\n  0: cat\n`,
  });
  const a = await readYoloDataset(join(root, 'cfg/list-names.yaml'), 'train');
  assert.deepEqual(a.names, ['cat', 'dog']);
  assert.equal(a.root, join(root, 'sets/a'));
  assert.deepEqual(a.items.map((i) => i.imagePath.slice(root.length)), ['/sets/a/images/extra/z.jpeg', '/sets/a/images/train/sub/y.png', '/sets/a/images/train/x.jpg']);
  const x = a.items[2]!;
  assert.equal(x.labelPath, join(root, 'sets/a/labels/train/x.txt'));
  assert.deepEqual(x.boxes, [{ classId: 1, cx: 0.5, cy: 0.5, w: 0.5, h: 0.5 }]);
  const z = a.items[0]!;
  assert.equal(z.hasLabelFile, false, 'a missing label file is an image without objects');
  assert.deepEqual(z.boxes, []);
  assert.equal(a.items[1]!.hasLabelFile, true);

  const listed = await readYoloDataset(join(root, 'cfg/list-names.yaml'), 'val');
  assert.deepEqual(listed.items.map((i) => i.imagePath), [join(root, 'sets/a/images/val/v.jpg')]);

  const b = await readYoloDataset(join(root, 'cfg/map-names.yml'), 'val');
  assert.deepEqual(b.names, ['cat', 'dog']);
  assert.equal(b.items.length, 1);
});
