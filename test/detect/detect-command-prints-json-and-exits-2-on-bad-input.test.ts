import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { fixtureModel } from './helpers/fixture-models.ts';
import { assertDetections, BLUE_PORTRAIT, RED_LANDSCAPE } from './helpers/frames.ts';
import { runCli } from './helpers/cli.ts';

let dir = '';
let red = '';
let blue = '';
let broken = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-detect-cli-'));
  red = join(dir, 'red.png');
  blue = join(dir, 'blue.jpg');
  broken = join(dir, 'broken.png');
  await sharp({ create: { width: 128, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(red);
  await sharp({ create: { width: 64, height: 128, channels: 3, background: { r: 0, g: 0, b: 255 } } }).jpeg({ quality: 100 }).toFile(blue);
  writeFileSync(broken, 'not an image at all');
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface JsonResult {
  file: string;
  detections: { label: string; score: number; box: [number, number, number, number] }[];
}

const asDetections = (r: JsonResult) => r.detections.map((d, i) => ({ ...d, classId: i }));

test('--json prints one array with file, label, score and box in image pixels; the provider goes to stderr', async () => {
  const r = await runCli(['detect', '--model', fixtureModel('v8-names'), '--json', red, blue]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /execution provider: cpu/);
  const results = JSON.parse(r.stdout) as JsonResult[];
  assert.deepEqual(results.map((x) => x.file), [red, blue]);
  assert.deepEqual(Object.keys(results[0]!.detections[0]!).sort(), ['box', 'label', 'score']);
  // Scores are printed to 4 decimals; JPEG may turn pure blue into 254.
  assertDetections(asDetections(results[0]!), RED_LANDSCAPE, 1e-4, 0.01);
  assertDetections(asDetections(results[1]!), BLUE_PORTRAIT, 0.005, 0.01);
});

test('human output has one line per detection', async () => {
  const r = await runCli(['detect', '--model', fixtureModel('v8-names'), red]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    `${red}: person 0.90 [24.0, 16.0, 56.0, 48.0]`,
    `${red}: car 0.85 [28.0, 16.0, 60.0, 48.0]`,
    `${red}: car 0.72 [88.0, 12.0, 112.0, 28.0]`,
  ]);
});

test('an undecodable image is IMAGE_DECODE naming the file, exit 2; the other images are still reported', async () => {
  const r = await runCli(['detect', '--model', fixtureModel('v8-names'), '--json', broken, red]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${broken}: `) && r.stderr.includes('[IMAGE_DECODE]'), r.stderr);
  const results = JSON.parse(r.stdout) as JsonResult[];
  assert.deepEqual(results.map((x) => x.file), [red]);
});

test('bad model, bad option, no image: exit 2 with the code', async () => {
  const missing = await runCli(['detect', '--model', join(dir, 'nope.onnx'), red]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.onnx: .*\[MODEL_NOT_FOUND\]/);
  const notOnnx = await runCli(['detect', '--model', fixtureModel('not-onnx'), red]);
  assert.equal(notOnnx.code, 2);
  assert.match(notOnnx.stderr, /\[MODEL_NOT_ONNX\]/);
  const conf = await runCli(['detect', '--model', fixtureModel('v8-names'), '--conf', '2', red]);
  assert.equal(conf.code, 2);
  assert.match(conf.stderr, /--conf: .*\[BAD_ARGUMENT\]/);
  const none = await runCli(['detect', '--model', fixtureModel('v8-names')]);
  assert.equal(none.code, 2);
});

test('--out writes an annotated PNG; with several images, NAME.annotated.png in the folder', async () => {
  const one = join(dir, 'one.png');
  const r1 = await runCli(['detect', '--model', fixtureModel('v8-names'), '--out', one, red]);
  assert.equal(r1.code, 0, r1.stderr);
  const meta = await sharp(one).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 128, 64]);
  // Boxes were drawn: the annotated image differs from the plain red one.
  const { data } = await sharp(one).raw().toBuffer({ resolveWithObject: true });
  assert.ok(data.some((v, i) => i % 3 === 1 && v > 50), 'some non-red pixels were drawn');
  const outDir = join(dir, 'annotated');
  const r2 = await runCli(['detect', '--model', fixtureModel('v8-names'), '--out', outDir, red, blue]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal((await sharp(join(outDir, 'red.annotated.png')).metadata()).width, 128);
  assert.equal((await sharp(join(outDir, 'blue.annotated.png')).metadata()).width, 64);
});
