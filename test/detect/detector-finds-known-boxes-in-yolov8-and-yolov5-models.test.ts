/**
 * The whole path through real onnxruntime-node in the worker: letterbox, RGB order, pad value, inference,
 * decode, NMS and box mapping, against boxes and scores computed by hand (helpers/frames.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { fixtureModel, type FixtureModel } from './helpers/fixture-models.ts';
import { assertDetections, BLUE_PORTRAIT, RED_LANDSCAPE, solidRgbFrame } from './helpers/frames.ts';

async function check(model: FixtureModel, layout: string): Promise<void> {
  const detector = new OnnxDetector({ modelPath: fixtureModel(model), threads: 1 });
  try {
    const info = await detector.start();
    assert.equal(info.provider, 'cpu');
    assert.equal(info.model.layout, layout);
    assert.deepEqual([info.model.inputWidth, info.model.inputHeight], [64, 64]);
    assert.deepEqual(info.model.labels, ['person', 'car', 'dog']);
    const red = await detector.detect(solidRgbFrame(128, 64, [255, 0, 0]));
    assertDetections(red.detections, RED_LANDSCAPE);
    const blue = await detector.detect(solidRgbFrame(64, 128, [0, 0, 255]));
    assertDetections(blue.detections, BLUE_PORTRAIT);
    for (const t of [blue.timings.preprocessMs, blue.timings.inferenceMs, blue.timings.postprocessMs]) assert.ok(t >= 0 && t < 5000);
  } finally {
    await detector.stop();
  }
}

test('YOLOv8 layout [1, 4+nc, N] with names metadata', async () => {
  await check('v8-names', 'yolov8');
});

test('YOLOv5 layout [1, N, 5+nc]: objectness x class score', async () => {
  await check('v5-names', 'yolov5');
});

test('symbolic input dims take the size from the imgsz metadata', async () => {
  await check('v8-dynamic', 'yolov8');
});

test('seq and capturedAt come back with the result', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), threads: 1 });
  try {
    await detector.start();
    const frame = { ...solidRgbFrame(32, 32, [0, 0, 0]), seq: 41, capturedAt: 1234.5 };
    const r = await detector.detect(frame);
    assert.deepEqual([r.seq, r.capturedAt], [41, 1234.5]);
  } finally {
    await detector.stop();
  }
});
