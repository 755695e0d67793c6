import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { LookoutError } from '../../src/errors.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { solidRgbFrame } from './helpers/frames.ts';

test('DETECT_BUSY for a frame sent while another is in flight; its buffer is left alone; the first completes', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('slow'), threads: 1 });
  try {
    await detector.start();
    const first = detector.detect(solidRgbFrame(64, 48, [1, 2, 3]));
    const second = solidRgbFrame(64, 48, [4, 5, 6]);
    await assert.rejects(detector.detect(second), (e: unknown) => e instanceof LookoutError && e.code === 'DETECT_BUSY');
    assert.equal(second.data.byteLength, 64 * 48 * 3, 'a refused frame is not transferred');
    assert.ok(Array.isArray((await first).detections));
    // Free again once the first is done.
    assert.ok(Array.isArray((await detector.detect(second)).detections));
  } finally {
    await detector.stop();
  }
});

test('a frame whose byte length does not match its size and format is FRAME_SIZE naming the frame', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  try {
    await detector.start();
    const frame = { ...solidRgbFrame(10, 10, [0, 0, 0]), width: 11, seq: 7 };
    await assert.rejects(detector.detect(frame), (e: unknown) => e instanceof LookoutError && e.code === 'FRAME_SIZE' && e.where === 'frame 7');
  } finally {
    await detector.stop();
  }
});

test('stop() twice is safe, and detect() after stop() is NOT_STARTED', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  await detector.start();
  await Promise.all([detector.stop(), detector.stop()]);
  await detector.stop();
  await assert.rejects(detector.detect(solidRgbFrame(8, 8, [0, 0, 0])), (e: unknown) => e instanceof LookoutError && e.code === 'NOT_STARTED');
  // And it can start again.
  const info = await detector.start();
  assert.equal(info.provider, 'cpu');
  await detector.stop();
});
