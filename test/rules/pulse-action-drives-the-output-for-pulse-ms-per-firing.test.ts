import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test('a pulse rule switches on for exactly pulseMs once per firing, even while the object stays', () => {
  const h = new RuleHarness([makeRule({ action: 'pulse', pulseMs: 750, framesToFire: 1, holdMs: 1000, maxOnMs: 60_000 })]);
  const start = h.monoMs;
  h.run(10_000, 100, (t) => (t - start <= 5000 ? [detection()] : []));
  assert.deepEqual(
    h.onIntervals('relay').map(([on, off]) => [on - start, off - start]),
    [[100, 850]],
  );
  assert.equal(h.eventsOf('fired').length, 1);
  assert.equal(h.eventsOf('cleared').length, 1, 'the rule itself stays active until the hold expires');
});

test('each new firing gives a new pulse', () => {
  const h = new RuleHarness([makeRule({ action: 'pulse', pulseMs: 200, framesToFire: 1, holdMs: 300, cooldownMs: 1000 })]);
  const start = h.monoMs;
  // Present for 0.5 s in every 3 s.
  h.run(8000, 100, (t) => ((t - start) % 3000 < 500 ? [detection()] : []));
  const intervals = h.onIntervals('relay').map(([on, off]) => [on - start, off - start]);
  assert.deepEqual(intervals, [
    [100, 300],
    [3000, 3200],
    [6000, 6200],
  ]);
});

test('disabling cuts a running pulse at once', () => {
  const h = new RuleHarness([makeRule({ action: 'pulse', pulseMs: 5000, framesToFire: 1 })]);
  h.advance(100);
  h.frame([detection()]);
  h.advance(100);
  const result = h.setEnabled('gate', false);
  assert.deepEqual(result.commands, [{ output: 'relay', on: false }]);
  assert.equal(result.nextDeadlineMs, null);
});

test('a pulse keeps its length when the object leaves before it ends', () => {
  const h = new RuleHarness([makeRule({ action: 'pulse', pulseMs: 3000, framesToFire: 1, holdMs: 200 })]);
  const start = h.monoMs;
  h.run(6000, 100, (t) => (t - start <= 100 ? [detection()] : []));
  assert.deepEqual(
    h.onIntervals('relay').map(([on, off]) => [on - start, off - start]),
    [[100, 3100]],
  );
});
