/**
 * `lookout eval` on a two-image data set built for the fixture model, with the mAP worked out by hand.
 * Predictions at conf 0.001 (helpers/frames.ts gives the mapped boxes):
 *   red 128x64:   person .9 [24,16,56,48], car .85 [28,16,60,48], car .7235 [88,12,112,28],
 *                 dog .2235 [86,28,106,64], person .2 (a4, clipped to nothing)
 *   blue 64x128:  person .9 [0,48,24,80], car .85 [0,48,28,80], dog .7235 [54,60,64,100],
 *                 car .2235 [56,44,64,60], person .2 (a4)
 * Ground truth: the person and car boxes exactly in both images, and in the blue one a dog [54,60,64,85]
 * (IoU 250/400 = 0.625 with the detection).
 *   person: TP .9, TP .9, FP .2, FP .2 -> AP 0.995 at every IoU (Ultralytics' 101-point AP tops at 0.995)
 *   car:    TP .85, TP .85, FP .7235, FP .2235 -> 0.995
 *   dog:    .7235 is TP at IoU 0.50, 0.55, 0.60 only, then FP .2235 -> AP50 0.995, AP50-95 3 * 0.995 / 10
 *   mAP50 = 0.995; mAP50-95 = (0.995 + 0.995 + 0.2985) / 3 = 0.762833...
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { fixtureModel } from './helpers/fixture-models.ts';
import { runCli } from './helpers/cli.ts';

let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-eval-'));
  mkdirSync(join(dir, 'images/val'), { recursive: true });
  mkdirSync(join(dir, 'labels/val'), { recursive: true });
  await sharp({ create: { width: 128, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(join(dir, 'images/val/red.png'));
  await sharp({ create: { width: 64, height: 128, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toFile(join(dir, 'images/val/blue.png'));
  // class cx cy w h, normalised (all exact binary fractions).
  writeFileSync(join(dir, 'labels/val/red.txt'), '0 0.3125 0.5 0.25 0.5\n1 0.34375 0.5 0.25 0.5\n');
  writeFileSync(join(dir, 'labels/val/blue.txt'), '0 0.1875 0.5 0.375 0.25\n1 0.21875 0.5 0.4375 0.25\n2 0.921875 0.56640625 0.15625 0.1953125\n');
  writeFileSync(join(dir, 'data.yaml'), 'path: .\ntrain: images/val\nval: images/val\nnames:\n  0: person\n  1: car\n  2: dog\n');
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface EvalJson {
  images: number;
  instances: number;
  predictions: number;
  map50: number;
  map50_95: number;
  provider: string;
  classes: { name: string; instances: number; predictions: number; ap50: number; ap50_95: number }[];
}

test('--json gives the hand-computed mAP50 and mAP50-95 and per-class AP', async () => {
  const r = await runCli(['eval', '--model', fixtureModel('v8-names'), '--data', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as EvalJson;
  assert.deepEqual([j.images, j.instances, j.predictions, j.provider], [2, 5, 10, 'cpu']);
  assert.equal(j.map50, 0.995);
  assert.equal(j.map50_95, 0.7628);
  assert.deepEqual(j.classes.map((c) => [c.name, c.instances, c.predictions, c.ap50, c.ap50_95]), [
    ['person', 2, 4, 0.995, 0.995],
    ['car', 2, 4, 0.995, 0.995],
    ['dog', 1, 2, 0.995, 0.2985],
  ]);
});

test('a higher --conf drops the low-score false positives but not the AP of perfect classes', async () => {
  const r = await runCli(['eval', '--model', fixtureModel('v8-names'), '--data', join(dir, 'data.yaml'), '--conf', '0.5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as EvalJson;
  assert.equal(j.predictions, 6);
  assert.equal(j.map50, 0.995);
});

test('human output is a table; a missing data set or split exits 2', async () => {
  const r = await runCli(['eval', '--model', fixtureModel('v8-names'), '--data', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^all\s+5\s+10\s+0\.995\s+0\.763$/m);
  const missing = await runCli(['eval', '--model', fixtureModel('v8-names'), '--data', join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  const split = await runCli(['eval', '--model', fixtureModel('v8-names'), '--data', dir, '--split', 'test']);
  assert.equal(split.code, 2);
  assert.match(split.stderr, /\[NO_SPLIT\]/);
});
