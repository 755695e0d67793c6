import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { parse } from 'yaml';
import { SYNTH_LABELS } from '../../src/agent/camera/synthetic/labels.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { readYoloDataset } from '../../src/dataset/read-yolo-dataset.ts';
import { imageSeed, writeSynthDataset } from '../../src/dataset/synth-writer.ts';
import { yoloBoxFromPixels } from '../../src/dataset/yolo-labels.ts';
import { tempDir } from './helpers.ts';

test('a written synthetic data set reads back with the generator\'s exact boxes and lossless images', async (t) => {
  const out = join(await tempDir(t), 'set');
  const opts = { out, count: 10, seed: 77, width: 96, height: 72, val: 0.3, format: 'png' as const, domain: { lighting: 'dusk' as const, background: 'any' as const, appearance: 'default' as const } };
  const summary = await writeSynthDataset(opts);
  assert.equal(summary.splits.train.images, 7);
  assert.equal(summary.splits.val.images, 3);

  const yaml = parse(await readFile(join(out, 'data.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(yaml, { path: out, train: 'images/train', val: 'images/val', names: { 0: 'person', 1: 'car', 2: 'dog' } });
  const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(meta.seed, 77);
  assert.deepEqual(meta.domain, opts.domain);

  const train = await readYoloDataset(out, 'train');
  const val = await readYoloDataset(join(out, 'data.yaml'), 'val');
  assert.deepEqual(train.names, [...SYNTH_LABELS]);
  const items = [...train.items, ...val.items];
  assert.equal(items.length, 10);
  for (const [i, item] of items.entries()) {
    assert.ok(item.hasLabelFile);
    const scene = renderScene({ width: 96, height: 72, seed: imageSeed(77, i), domain: opts.domain });
    const expected = scene.objects.map((o) => yoloBoxFromPixels(o.classId, o.box, 96, 72));
    assert.equal(item.boxes.length, expected.length, item.labelPath);
    item.boxes.forEach((b, k) => {
      const e = expected[k]!;
      assert.equal(b.classId, e.classId);
      for (const key of ['cx', 'cy', 'w', 'h'] as const) assert.ok(Math.abs(b[key] - e[key]) <= 5e-7, `${item.labelPath} ${key}`);
    });
    const { data, info } = await sharp(item.imagePath).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [96, 72, 3]);
    assert.ok(Buffer.from(scene.rgb).equals(data), `${item.imagePath} pixels`);
  }
  assert.equal((await readdir(join(out, 'labels', 'val'))).length, 3);
});

test('jpg data sets are written at the requested size', async (t) => {
  const out = join(await tempDir(t), 'jpg');
  await writeSynthDataset({ out, count: 2, seed: 1, width: 64, height: 48, val: 0, format: 'jpg', domain: { lighting: 'day', background: 'any', appearance: 'default' } });
  const [name] = await readdir(join(out, 'images', 'train'));
  assert.match(name!, /^s1-000000\.jpg$/);
  const meta = await sharp(join(out, 'images', 'train', name!)).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 64, 48]);
  assert.deepEqual(await readdir(join(out, 'images', 'val')), []);
});
