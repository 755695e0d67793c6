/**
 * The camera delivers I420; the same scene as I420 must give the same detections as RGB. Red (255, 0, 0) in
 * BT.601 limited range is Y 81, U 90, V 240 (ITU-R BT.601 equations, rounded), which decodes back to R 254.4,
 * so the mean(R) score drops by at most 0.5 * 0.6/255.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameByteLength, type Frame } from '../../src/agent/camera/frame.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { assertDetections, RED_LANDSCAPE, solidRgbFrame } from './helpers/frames.ts';

function solidI420(width: number, height: number, y: number, u: number, v: number): Frame {
  const data = new Uint8Array(frameByteLength('i420', width, height));
  const chroma = Math.ceil(width / 2) * Math.ceil(height / 2);
  data.fill(y, 0, width * height);
  data.fill(u, width * height, width * height + chroma);
  data.fill(v, width * height + chroma);
  return { data, width, height, format: 'i420', capturedAt: 0, seq: 1 };
}

test('a red I420 frame gives the RGB frame\'s boxes and scores within 0.002', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  try {
    await detector.start();
    const yuv = await detector.detect(solidI420(128, 64, 81, 90, 240));
    assertDetections(yuv.detections, RED_LANDSCAPE, 0.002);
    const rgb = await detector.detect(solidRgbFrame(128, 64, [255, 0, 0]));
    assertDetections(rgb.detections, RED_LANDSCAPE);
    // Switching formats on one detector must not leave stale tables behind.
    const again = await detector.detect(solidI420(127, 63, 81, 90, 240));
    assert.equal(again.detections.length, 3);
  } finally {
    await detector.stop();
  }
});
