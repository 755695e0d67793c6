import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OnnxDetector, type OnnxDetectorOptions } from '../../src/agent/detect/onnx-detector.ts';
import { LookoutError } from '../../src/errors.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { solidRgbFrame } from './helpers/frames.ts';

async function startFails(options: OnnxDetectorOptions, code: string, where: string, message?: RegExp): Promise<void> {
  const detector = new OnnxDetector({ threads: 1, ...options });
  await assert.rejects(detector.start(), (e: unknown) => {
    assert.ok(e instanceof LookoutError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.where, where);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
  // A failed start leaves nothing running: detect() says so, stop() is harmless.
  await assert.rejects(detector.detect(solidRgbFrame(8, 8, [0, 0, 0])), (e: unknown) => e instanceof LookoutError && e.code === 'NOT_STARTED');
  await detector.stop();
}

test('missing, truncated and non-ONNX files', async () => {
  await startFails({ modelPath: '/nonexistent/m.onnx' }, 'MODEL_NOT_FOUND', '/nonexistent/m.onnx');
  await startFails({ modelPath: fixtureModel('truncated') }, 'MODEL_CORRUPT', fixtureModel('truncated'), /truncated/);
  await startFails({ modelPath: fixtureModel('not-onnx') }, 'MODEL_NOT_ONNX', fixtureModel('not-onnx'));
});

test('an output shape no decoder knows is UNKNOWN_OUTPUT naming the shape', async () => {
  await startFails({ modelPath: fixtureModel('unknown-output') }, 'UNKNOWN_OUTPUT', fixtureModel('unknown-output'), /\[1, 10\]/);
});

test('a labels file whose count fits neither layout is UNKNOWN_OUTPUT, not a silent misread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-badlabels-'));
  try {
    const labels = join(dir, 'two.txt');
    writeFileSync(labels, 'a\nb\n');
    await startFails({ modelPath: fixtureModel('v8-names'), labelsPath: labels }, 'UNKNOWN_OUTPUT', fixtureModel('v8-names'), /\[1, 7, 6\].*2 labels/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('out-of-range thresholds and thread counts are refused before any work', async () => {
  await startFails({ modelPath: fixtureModel('v8-names'), conf: 1.5 }, 'BAD_OPTION', 'conf');
  await startFails({ modelPath: fixtureModel('v8-names'), threads: 0 }, 'BAD_OPTION', 'threads');
});
