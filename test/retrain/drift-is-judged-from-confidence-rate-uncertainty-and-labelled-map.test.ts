import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeDrift } from '../../src/cloud/retrain/drift.ts';
import { driftPolicySchema } from '../../src/cloud/retrain/drift-policy.ts';
import type { ClassConfidence } from '../../src/cloud/store/store.ts';

const policy = driftPolicySchema.parse({ minDetections: 100, confidenceDrop: 0.15, maxUncertainShare: 0.5, minRateRatio: 0.4, mapFloor: 0.5, minLabelled: 10 });
const minute = 60_000;

/** A class whose detections all sit in one histogram bin. */
function cls(label: string, count: number, score: number): ClassConfidence {
  const hist = Array.from({ length: 10 }, () => 0);
  hist[Math.min(9, Math.floor(score * 10))] = count;
  return { label, count, meanScore: score, hist };
}

test('a steady scene is not drift', () => {
  const v = judgeDrift(policy, { classes: [cls('person', 500, 0.8)], durationMs: 10 * minute }, { classes: [cls('person', 480, 0.78)], durationMs: 10 * minute }, null);
  assert.equal(v.drifted, false);
  assert.deepEqual(v.reasons, []);
});

test('a class whose mean confidence falls past the threshold is drift, with the figures in the reason', () => {
  const v = judgeDrift(policy, { classes: [cls('person', 500, 0.8), cls('car', 300, 0.7)] , durationMs: 10 * minute }, { classes: [cls('person', 450, 0.64), cls('car', 290, 0.69)], durationMs: 10 * minute }, null);
  assert.equal(v.drifted, true);
  assert.equal(v.reasons.length, 1);
  assert.match(v.reasons[0] ?? '', /^person: mean confidence 0\.800 → 0\.640 \(−20 %/);
});

test('objects no longer found at all are drift even when the few found are confident', () => {
  const v = judgeDrift(policy, { classes: [cls('car', 600, 0.8)], durationMs: 10 * minute }, { classes: [cls('car', 100, 0.8)], durationMs: 10 * minute }, null);
  assert.equal(v.drifted, true);
  assert.match(v.reasons[0] ?? '', /^car: 0\.17 detections\/s against 1\.00/);
});

test('a rising share of uncertain detections is drift; too few detections decide nothing', () => {
  const v = judgeDrift(policy, { classes: [cls('dog', 400, 0.7)], durationMs: 10 * minute }, { classes: [cls('dog', 250, 0.7), cls('person', 300, 0.35)], durationMs: 10 * minute }, null);
  assert.ok(v.reasons.some((r) => r.startsWith('uncertain detections')), v.reasons.join('; '));
  const quiet = judgeDrift(policy, { classes: [cls('dog', 50, 0.9)], durationMs: 10 * minute }, { classes: [cls('dog', 5, 0.3)], durationMs: 10 * minute }, null);
  assert.equal(quiet.drifted, false, 'under minDetections in the baseline: no verdict on the class');
});

test('labelled samples with a low mAP are drift once there are enough of them', () => {
  const steady = { classes: [cls('person', 500, 0.8)], durationMs: 10 * minute };
  assert.equal(judgeDrift(policy, steady, steady, { samples: 9, map50: 0.1 }).drifted, false);
  const v = judgeDrift(policy, steady, steady, { samples: 12, map50: 0.31 });
  assert.equal(v.drifted, true);
  assert.match(v.reasons[0] ?? '', /mAP@0\.5 on 12 labelled recent samples 0\.310/);
});
