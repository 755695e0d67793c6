import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outputShapeFor } from '../../src/agent/detect/output-decoder.ts';
import { LookoutError } from '../../src/errors.ts';

test('[1, 84, 8400] with 80 labels is YOLOv8 with 8400 anchors', () => {
  assert.deepEqual(outputShapeFor([1, 84, 8400], 80, 'm'), { layout: 'yolov8', anchors: 8400, classes: 80 });
});

test('[1, 25200, 85] with 80 labels is YOLOv5 with 25200 anchors', () => {
  assert.deepEqual(outputShapeFor([1, 25200, 85], 80, 'm'), { layout: 'yolov5', anchors: 25200, classes: 80 });
});

test('[1, 7, 2100] with 3 labels is YOLOv8; [1, 2100, 8] with 3 labels is YOLOv5', () => {
  assert.equal(outputShapeFor([1, 7, 2100], 3, 'm').layout, 'yolov8');
  assert.equal(outputShapeFor([1, 2100, 8], 3, 'm').layout, 'yolov5');
});

test('when both fit ([1, 5, 6] with 1 label), the larger dimension is the anchors', () => {
  assert.deepEqual(outputShapeFor([1, 5, 6], 1, 'm'), { layout: 'yolov8', anchors: 6, classes: 1 });
});

test('a shape no decoder knows, or a label count that fits neither, is UNKNOWN_OUTPUT naming the shape', () => {
  for (const [dims, n] of [[[1, 10], 3], [[1, 84, 8400], 3], [[2, 84, 8400], 80], [[1, 3, 84, 8400], 80], [[1, 6, 5], 1]] as const) {
    assert.throws(() => outputShapeFor(dims, n, 'model.onnx'), (e: unknown) => {
      assert.ok(e instanceof LookoutError);
      assert.equal(e.code, 'UNKNOWN_OUTPUT');
      assert.equal(e.where, 'model.onnx');
      assert.ok(e.message.includes(`[${dims.join(', ')}]`), e.message);
      return true;
    });
  }
});
