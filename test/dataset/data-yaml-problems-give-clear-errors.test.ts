import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LookoutError } from '../../src/errors.ts';
import { readYoloDataset } from '../../src/dataset/read-yolo-dataset.ts';
import { tempDir, writeTree } from './helpers.ts';

function rejectsWith(code: string, where: (w: string) => boolean): (e: unknown) => boolean {
  return (e) => e instanceof LookoutError && e.subsystem === 'dataset' && e.code === code && e.where !== undefined && where(e.where);
}

test('missing data.yaml, missing split, bad names and bad YAML each give their own error code', async (t) => {
  const root = await tempDir(t);
  await writeTree(root, {
    'empty/.keep': '',
    'nosplit/data.yaml': 'train: images/train\nnames: [a]\n',
    'nosplit/images/train/a.jpg': '',
    'nodir/data.yaml': 'train: images/train\nval: images/val\nnames: [a]\n',
    'nodir/images/train/a.jpg': '',
    'nonames/data.yaml': 'train: images/train\n',
    'gap/data.yaml': 'train: images/train\nnames: {0: a, 2: b}\n',
    'nc/data.yaml': 'train: images/train\nnc: 3\nnames: [a, b]\n',
    'badname/data.yaml': 'train: images/train\nnames: [a, 7]\n',
    'broken/data.yaml': 'train: [images/train\nnames: [a\n',
    'list/data.yaml': '- a\n- b\n',
  });
  await assert.rejects(readYoloDataset(join(root, 'empty'), 'train'), rejectsWith('NO_DATA_YAML', (w) => w === join(root, 'empty')));
  await assert.rejects(readYoloDataset(join(root, 'absent.yaml'), 'train'), rejectsWith('NO_DATA_YAML', (w) => w.endsWith('absent.yaml')));
  await assert.rejects(readYoloDataset(join(root, 'nosplit'), 'val'), rejectsWith('NO_SPLIT', (w) => w.endsWith('data.yaml: val')));
  await assert.rejects(readYoloDataset(join(root, 'nodir'), 'val'), rejectsWith('MISSING_SPLIT', (w) => w.endsWith('data.yaml: val')));
  await assert.rejects(readYoloDataset(join(root, 'nonames'), 'train'), rejectsWith('BAD_NAMES', (w) => w.endsWith(': names')));
  await assert.rejects(readYoloDataset(join(root, 'gap'), 'train'), rejectsWith('BAD_NAMES', (w) => w.endsWith(': names.2')));
  await assert.rejects(readYoloDataset(join(root, 'nc'), 'train'), rejectsWith('BAD_NAMES', (w) => w.endsWith(': nc')));
  await assert.rejects(readYoloDataset(join(root, 'badname'), 'train'), rejectsWith('BAD_NAMES', (w) => w.endsWith(': names[1]')));
  await assert.rejects(readYoloDataset(join(root, 'broken'), 'train'), rejectsWith('BAD_DATA_YAML', (w) => w.endsWith('data.yaml')));
  await assert.rejects(readYoloDataset(join(root, 'list'), 'train'), rejectsWith('BAD_DATA_YAML', (w) => w.endsWith('data.yaml')));
});
