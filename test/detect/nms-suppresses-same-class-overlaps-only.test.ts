import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Candidates } from '../../src/agent/detect/candidates.ts';
import { Nms, sortByScore } from '../../src/agent/detect/nms.ts';

function candidates(list: { box: [number, number, number, number]; score: number; cls: number }[]): Candidates {
  const c = new Candidates(list.length);
  for (const b of list) {
    const [x1, y1, x2, y2] = b.box;
    c.pushCenter((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, b.score, b.cls);
  }
  return c;
}

const opts = { iou: 0.5, maxDet: 300, maxCandidates: 30000 };

test('a lower-scored box of the same class with IoU > threshold is dropped; another class is kept', () => {
  const c = candidates([
    { box: [0, 0, 10, 10], score: 0.8, cls: 0 },
    { box: [1, 0, 11, 10], score: 0.9, cls: 0 }, // IoU 90/110 = 0.82 with the first
    { box: [1, 0, 11, 10], score: 0.7, cls: 1 },
    { box: [50, 50, 60, 60], score: 0.6, cls: 0 },
  ]);
  const nms = new Nms(4);
  const n = nms.run(c, opts);
  assert.deepEqual(Array.from(nms.kept.subarray(0, n)), [1, 2, 3]);
});

test('IoU exactly at the threshold is kept (suppression needs IoU > threshold, as torchvision nms)', () => {
  // Intersection 50, union 100 + 50 - 50 = 100: IoU 0.5.
  const c = candidates([
    { box: [0, 0, 10, 10], score: 0.9, cls: 0 },
    { box: [0, 0, 10, 5], score: 0.8, cls: 0 },
  ]);
  const nms = new Nms(2);
  assert.equal(nms.run(c, { ...opts, iou: 0.5 }), 2);
  assert.equal(nms.run(c, { ...opts, iou: 0.49 }), 1);
});

test('a box suppressed by a kept box cannot suppress others (greedy order)', () => {
  // A (0.9) suppresses B (0.8); B would have suppressed C (0.7), but B is gone, and A and C do not overlap.
  const c = candidates([
    { box: [0, 0, 10, 10], score: 0.9, cls: 0 },
    { box: [5, 0, 15, 10], score: 0.8, cls: 0 },
    { box: [10, 0, 20, 10], score: 0.7, cls: 0 },
  ]);
  const nms = new Nms(3);
  const n = nms.run(c, { ...opts, iou: 0.3 });
  assert.deepEqual(Array.from(nms.kept.subarray(0, n)), [0, 2]);
});

test('maxDet keeps the best ones; maxCandidates drops the lowest scores before NMS', () => {
  const list = Array.from({ length: 10 }, (_, i) => ({ box: [i * 20, 0, i * 20 + 10, 10] as [number, number, number, number], score: (i + 1) / 20, cls: 0 }));
  const c = candidates(list);
  const nms = new Nms(10);
  let n = nms.run(c, { ...opts, maxDet: 3 });
  assert.deepEqual(Array.from(nms.kept.subarray(0, n)), [9, 8, 7]);
  n = nms.run(c, { ...opts, maxCandidates: 4 });
  assert.deepEqual(Array.from(nms.kept.subarray(0, n)), [9, 8, 7, 6]);
});

test('the score sort is descending, ties by index, and matches a reference sort on random scores', () => {
  const n = 500;
  const scores = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    scores[i] = Math.floor((seed / 2 ** 31) * 50) / 50; // many ties
  }
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  sortByScore(idx, n, scores);
  const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  assert.deepEqual(Array.from(idx), expected);
});
