import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

const HOUR = 3_600_000;

test('an object present for an hour: on at most maxOnMs at a time, off for the cooldown, then on again', () => {
  const maxOnMs = 60_000;
  const cooldownMs = 10_000;
  const h = new RuleHarness([makeRule({ framesToFire: 3, holdMs: 2000, maxOnMs, cooldownMs })]);
  const start = h.monoMs;
  h.run(HOUR, 100, () => [detection()]);

  const intervals = h.onIntervals('relay');
  assert.ok(intervals.length > 40, `expected many cycles, got ${intervals.length}`);
  for (const [on, off] of intervals) assert.ok(off - on <= maxOnMs, `on for ${off - on} ms`);
  // Every cycle but the last is cut exactly at maxOnMs.
  for (const [on, off] of intervals.slice(0, -1)) assert.equal(off - on, maxOnMs);
  for (let i = 1; i < intervals.length; i++) {
    const gap = intervals[i]![0] - intervals[i - 1]![1];
    // Cooldown, then three fresh consecutive frames (the third fires).
    assert.ok(gap >= cooldownMs, `off for only ${gap} ms`);
    assert.ok(gap <= cooldownMs + 400, `re-fired late: off for ${gap} ms`);
  }
  assert.equal(intervals[0]![0], start + 300, 'first fire on the third frame');
  const reasons = h.eventsOf('cleared').map((e) => (e.kind === 'cleared' ? e.reason : ''));
  assert.ok(reasons.length >= intervals.length - 1);
  assert.ok(reasons.every((r) => r === 'max-on'));
});

test('with no cooldown the cutoff still reaches the output before the rule fires again', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1, holdMs: 2000, maxOnMs: 5000, cooldownMs: 0 })]);
  h.run(60_000, 100, () => [detection()]);
  const intervals = h.onIntervals('relay');
  assert.ok(intervals.length >= 10);
  for (const [on, off] of intervals) assert.ok(off - on <= 5000);
  for (let i = 1; i < intervals.length; i++) {
    assert.ok(intervals[i]![0] > intervals[i - 1]![1], 'an off command lies between two on commands');
  }
  // on/off strictly alternate: every cutoff was emitted.
  const states = h.commands.map((c) => c.on);
  states.forEach((on, i) => {
    assert.equal(on, i % 2 === 0);
  });
});

test('a cutoff that falls between frames happens on the clock tick, exactly at maxOnMs', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1, holdMs: 10_000, maxOnMs: 1050, cooldownMs: 0 })]);
  h.run(2000, 100, () => [detection()]);
  const first = h.onIntervals('relay')[0]!;
  assert.equal(first[1] - first[0], 1050, 'cut at 1050 ms, not at the next frame (1100 ms)');
});
