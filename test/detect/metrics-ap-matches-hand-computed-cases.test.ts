import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averagePrecision, boxIou, DetectionMetrics, interp, IOU_THRESHOLDS, matchPredictions } from '../../src/agent/detect/metrics.ts';
import type { BoxXYXY } from '../../src/agent/detect/types.ts';

const close = (a: number, b: number, eps = 1e-12): void => {
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
};

test('IoU thresholds are 0.50:0.05:0.95 as float32, like torch.linspace', () => {
  assert.equal(IOU_THRESHOLDS.length, 10);
  assert.equal(IOU_THRESHOLDS[0], 0.5);
  assert.equal(IOU_THRESHOLDS[9], Math.fround(0.95));
});

test('boxIou of hand-made boxes', () => {
  close(boxIou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150);
  close(boxIou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
  close(boxIou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
});

test('np.interp semantics: repeated x takes the last of equal points, outside clamps', () => {
  const xp = [0, 0.5, 0.5, 1, 1];
  const fp = [1, 0.8, 0.6, 0.4, 0];
  close(interp(0.5, xp, fp), 0.6);
  close(interp(0.25, xp, fp), 0.9);
  close(interp(0.75, xp, fp), 0.5);
  close(interp(1, xp, fp), 0);
  close(interp(-1, xp, fp), 1);
});

test('a perfect detector scores 0.995 (the 101-point integral drops to 0 at recall 1)', () => {
  close(averagePrecision([1], [1]), 0.995);
});

test('TP then FP: recall [0.5, 0.5], precision [1, 0.5]', () => {
  // With sentinels: mrec [0, .5, .5, 1], mpre [1, 1, .5, 0] (already its own envelope). np.interp gives 1 below
  // recall 0.5, 0.5 at 0.5 (the last of the equal points), then falls linearly to 0 at recall 1. Trapezoids:
  // 0.49 of height 1, one of width 0.01 from 1 to 0.5, then a triangle 0.5 wide and 0.5 high.
  const expected = 0.49 + (0.01 * 1.5) / 2 + 0.5 * 0.5 * 0.5;
  close(averagePrecision([0.5, 0.5], [1, 0.5]), expected, 1e-9);
});

test('matching: one truth per prediction and one prediction per truth, the higher score wins the truth', () => {
  const truths = [{ classId: 0, box: [0, 0, 10, 10] as BoxXYXY }];
  const preds = [
    { classId: 0, score: 0.9, box: [1, 0, 11, 10] as BoxXYXY }, // IoU 0.818
    { classId: 0, score: 0.8, box: [0, 0, 10, 10] as BoxXYXY }, // IoU 1, but lower score
    { classId: 1, score: 0.7, box: [0, 0, 10, 10] as BoxXYXY }, // wrong class
  ];
  const correct = matchPredictions(preds, truths);
  // Ultralytics' second np.unique pass keeps, per truth, the lowest prediction index (= highest score).
  assert.deepEqual(correct.map((row) => row[0]), [true, false, false]);
  // At IoU 0.85 only the second one overlaps enough.
  const at85 = matchPredictions(preds, truths, [0.85]);
  assert.deepEqual(at85.map((row) => row[0]), [false, true, false]);
});

test('mAP averages over the classes present in the truth; a class with truths but no predictions counts 0', () => {
  const m = new DetectionMetrics();
  m.add([{ classId: 0, score: 0.9, box: [0, 0, 10, 10] }, { classId: 2, score: 0.8, box: [50, 50, 60, 60] }], [
    { classId: 0, box: [0, 0, 10, 10] },
    { classId: 1, box: [20, 20, 30, 30] },
  ]);
  const s = m.summary();
  assert.deepEqual(s.classes.map((c) => c.classId), [0, 1]);
  close(s.classes[0]!.ap50, 0.995);
  close(s.classes[1]!.ap50, 0);
  close(s.map50, 0.995 / 2);
  close(s.map50to95, 0.995 / 2);
  assert.deepEqual([s.images, s.truths, s.predictions], [1, 2, 2]);
});

test('AP50-95 averages the ten thresholds: IoU 0.68 is a hit at 0.50..0.65 (4 of 10)', () => {
  const m = new DetectionMetrics();
  // Truth 0..100 x 0..100; prediction 0..100 x 0..68: IoU 0.68.
  m.add([{ classId: 0, score: 0.5, box: [0, 0, 100, 68] }], [{ classId: 0, box: [0, 0, 100, 100] }]);
  const s = m.summary();
  close(s.map50, 0.995);
  close(s.map50to95, (4 * 0.995) / 10);
});
