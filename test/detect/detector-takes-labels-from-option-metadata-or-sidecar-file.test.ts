import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { LookoutError } from '../../src/errors.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { solidRgbFrame } from './helpers/frames.ts';

async function labelsOf(options: ConstructorParameters<typeof OnnxDetector>[0]): Promise<string[]> {
  const detector = new OnnxDetector({ threads: 1, ...options });
  try {
    const info = await detector.start();
    const r = await detector.detect(solidRgbFrame(128, 64, [255, 0, 0]));
    assert.deepEqual(r.detections.map((d) => d.label), [info.model.labels[0], info.model.labels[1], info.model.labels[1]]);
    return [...info.model.labels];
  } finally {
    await detector.stop();
  }
}

test('a model without names: NO_LABELS naming the model; then a labels file beside it; then --labels wins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-labels-'));
  try {
    const model = join(dir, 'plain.onnx');
    copyFileSync(fixtureModel('v8-no-names'), model);
    await assert.rejects(labelsOf({ modelPath: model }), (e: unknown) => e instanceof LookoutError && e.code === 'NO_LABELS' && e.where === model);
    writeFileSync(join(dir, 'labels.txt'), 'a\nb\nc\n');
    assert.deepEqual(await labelsOf({ modelPath: model }), ['a', 'b', 'c']);
    writeFileSync(join(dir, 'plain.labels.txt'), 'x\ny\nz\n');
    assert.deepEqual(await labelsOf({ modelPath: model }), ['x', 'y', 'z']);
    const explicit = join(dir, 'mine.txt');
    writeFileSync(explicit, 'p\nq\nr\n');
    assert.deepEqual(await labelsOf({ modelPath: model, labelsPath: explicit }), ['p', 'q', 'r']);
    assert.deepEqual(await labelsOf({ modelPath: model, labels: ['u', 'v', 'w'] }), ['u', 'v', 'w']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metadata names are used when no labels are given, and an explicit list overrides them', async () => {
  assert.deepEqual(await labelsOf({ modelPath: fixtureModel('v8-names') }), ['person', 'car', 'dog']);
  assert.deepEqual(await labelsOf({ modelPath: fixtureModel('v8-names'), labels: ['P', 'C', 'D'] }), ['P', 'C', 'D']);
});
