import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Candidates } from '../../src/agent/detect/candidates.ts';
import { OutputDecoder } from '../../src/agent/detect/output-decoder.ts';

/** [1, 4 + nc, N] laid out row by row: cx, cy, w, h, then one row of scores per class. */
function v8Output(anchors: { box: [number, number, number, number]; scores: number[] }[]): Float32Array {
  const n = anchors.length;
  const nc = anchors[0]!.scores.length;
  const out = new Float32Array((4 + nc) * n);
  anchors.forEach((a, i) => {
    a.box.forEach((v, r) => (out[r * n + i] = v));
    a.scores.forEach((v, c) => (out[(4 + c) * n + i] = v));
  });
  return out;
}

test('each anchor yields its best class if that score is > conf, boxes converted from centre/size to corners', () => {
  const data = v8Output([
    { box: [50, 40, 20, 10], scores: [0.1, 0.8, 0.3] },
    { box: [10, 10, 4, 4], scores: [0.25, 0.1, 0.2] }, // exactly conf: dropped (strict >)
    { box: [100, 100, 10, 30], scores: [0.6, 0.2, 0.7] },
    { box: [0, 0, 2, 2], scores: [0.01, 0.02, 0.03] },
  ]);
  const dec = new OutputDecoder({ layout: 'yolov8', anchors: 4, classes: 3 });
  const c = new Candidates(4);
  dec.decode(data, 0.25, c);
  assert.equal(c.count, 2);
  assert.deepEqual(Array.from(c.boxes.subarray(0, 8)), [40, 35, 60, 45, 95, 85, 105, 115]);
  assert.deepEqual(Array.from(c.classIds.subarray(0, 2)), [1, 2]);
  assert.deepEqual(Array.from(c.scores.subarray(0, 2)), [Math.fround(0.8), Math.fround(0.7)]);
});

test('equal class scores go to the lower class id (torch max returns the first maximum)', () => {
  const dec = new OutputDecoder({ layout: 'yolov8', anchors: 1, classes: 3 });
  const c = new Candidates(1);
  dec.decode(v8Output([{ box: [5, 5, 2, 2], scores: [0.4, 0.9, 0.9] }]), 0.25, c);
  assert.equal(c.classIds[0], 1);
});

test('the buffers are reused: a second frame replaces the first frame\'s candidates', () => {
  const dec = new OutputDecoder({ layout: 'yolov8', anchors: 2, classes: 1 });
  const c = new Candidates(2);
  dec.decode(v8Output([{ box: [1, 1, 2, 2], scores: [0.9] }, { box: [3, 3, 2, 2], scores: [0.9] }]), 0.5, c);
  assert.equal(c.count, 2);
  dec.decode(v8Output([{ box: [1, 1, 2, 2], scores: [0.1] }, { box: [7, 7, 2, 2], scores: [0.6] }]), 0.5, c);
  assert.equal(c.count, 1);
  assert.deepEqual(Array.from(c.boxes.subarray(0, 4)), [6, 6, 8, 8]);
});
