import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { solidRgbFrame } from './helpers/frames.ts';

test('a whole-buffer frame is transferred (detached here) and comes back as frameData with its bytes', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  try {
    await detector.start();
    const frame = solidRgbFrame(40, 30, [7, 8, 9]);
    const pending = detector.detect(frame);
    assert.equal(frame.data.byteLength, 0, 'transferred, not copied');
    const r = await pending;
    assert.ok(r.frameData !== undefined);
    assert.equal(r.frameData.byteLength, 40 * 30 * 3);
    assert.deepEqual(Array.from(r.frameData.subarray(0, 6)), [7, 8, 9, 7, 8, 9]);
  } finally {
    await detector.stop();
  }
});

test('a view into a larger buffer is copied: the caller keeps its buffer, and gets its own view back', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  try {
    await detector.start();
    const big = new Uint8Array(16 + 40 * 30 * 3 + 16).fill(200);
    const view = big.subarray(16, 16 + 40 * 30 * 3);
    const r = await detector.detect({ data: view, width: 40, height: 30, format: 'rgb24', capturedAt: 0, seq: 0 });
    assert.equal(big.byteLength, 16 + 40 * 30 * 3 + 16, 'the larger buffer is untouched');
    assert.equal(r.frameData, view);
  } finally {
    await detector.stop();
  }
});
