import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Candidates } from '../../src/agent/detect/candidates.ts';
import { OutputDecoder } from '../../src/agent/detect/output-decoder.ts';

test('confidence = objectness x class score; anchors with objectness <= conf are skipped first', () => {
  // [1, N, 5 + nc]: per anchor cx, cy, w, h, objectness, class scores.
  const data = Float32Array.from([
    20, 20, 10, 10, 0.9, 0.5, 1.0, // 0.9 * 1.0 = 0.9, class 1
    40, 40, 10, 10, 0.5, 0.9, 0.2, // 0.5 * 0.9 = 0.45, class 0
    60, 60, 10, 10, 0.2, 1.0, 1.0, // objectness 0.2 <= 0.25: skipped
    80, 80, 10, 10, 0.5, 0.4, 0.3, // 0.5 * 0.4 = 0.2 <= 0.25: dropped
  ]);
  const dec = new OutputDecoder({ layout: 'yolov5', anchors: 4, classes: 2 });
  const c = new Candidates(4);
  dec.decode(data, 0.25, c);
  assert.equal(c.count, 2);
  assert.deepEqual(Array.from(c.classIds.subarray(0, 2)), [1, 0]);
  assert.ok(Math.abs(c.scores[0]! - 0.9) < 1e-6 && Math.abs(c.scores[1]! - 0.45) < 1e-6);
  assert.deepEqual(Array.from(c.boxes.subarray(0, 8)), [15, 15, 25, 25, 35, 35, 45, 45]);
});
