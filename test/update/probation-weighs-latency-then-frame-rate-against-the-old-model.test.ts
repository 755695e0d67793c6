import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeProbation, LATENCY_NOISE_MS } from '../../src/agent/update/probation.ts';
import { ResultHistory } from '../../src/agent/update/result-history.ts';

const limits = { maxFpsDrop: 0.3, maxLatencyRise: 0.5 };
const summary = (fps: number | null, p95: number | null, count = 100) => ({ count, fps, p95InferenceMs: p95 });

test('p95 inference may grow by maxLatencyRise at most, and by more than the noise floor to count', () => {
  assert.equal(judgeProbation(summary(10, 40), summary(10, 59), limits, 60), undefined);
  assert.equal(judgeProbation(summary(10, 40), summary(10, 61), limits, 60)?.code, 'TOO_SLOW');
  // Sub-millisecond figures: +200 % but under the floor is jitter, not a slower model.
  assert.equal(judgeProbation(summary(10, 0.2), summary(10, 0.2 + LATENCY_NOISE_MS - 0.1), limits, 60), undefined);
  assert.equal(judgeProbation(summary(10, 0.2), summary(10, 0.2 + LATENCY_NOISE_MS + 0.1), limits, 60)?.code, 'TOO_SLOW');
});

test('the frame rate may fall by maxFpsDrop at most; a slower model that also costs frames is TOO_SLOW', () => {
  assert.equal(judgeProbation(summary(20, 40), summary(14.1, 40), limits, 60), undefined);
  const dropped = judgeProbation(summary(20, 40), summary(13.9, 40), limits, 60);
  assert.equal(dropped?.code, 'FPS_DROP');
  assert.match(dropped.detail, /13\.9 fps, was 20\.0/);
  assert.equal(judgeProbation(summary(20, 40), summary(5, 200), limits, 60)?.code, 'TOO_SLOW');
});

test('no frame finished on the new model during probation is TOO_SLOW', () => {
  assert.equal(judgeProbation(summary(20, 40), summary(0, null, 0), limits, 2)?.code, 'TOO_SLOW');
});

test('the result history measures a window by its length and skips frames the old detector still had', () => {
  const h = new ResultHistory(64);
  // 10 fps for 3 s; inference 5 ms, except frames 21-30 at 50 ms (the new model's).
  for (let seq = 1; seq <= 30; seq++) h.record(seq, seq * 100, seq > 20 ? 50 : 5);
  assert.deepEqual(h.summary(1000, 2000), { count: 11, fps: 11, p95InferenceMs: 5 });
  const after = h.summary(2000, 3000, 20);
  assert.deepEqual(after, { count: 10, fps: 10, p95InferenceMs: 50 });
  // A window with one result is one result per window, not a rate of infinity.
  assert.equal(h.summary(2950, 3950).fps, 1);
  // A wrapped ring: the rate is over what it still holds.
  const small = new ResultHistory(8);
  for (let seq = 1; seq <= 20; seq++) small.record(seq, seq * 100, 1);
  assert.equal(small.full, true);
  assert.equal(small.oldestAt(), 1300);
  assert.equal(small.summary(0, 2000).fps, (8 * 1000) / 700);
});
