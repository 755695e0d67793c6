import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

const HOUR = 3_600_000;
const MONDAY_0800 = Date.UTC(2025, 0, 6, 8, 0, 0); // 2025-01-06 is a Monday
const workHours = [{ days: ['mon' as const], from: '08:00', to: '17:00' }];

function harnessAt(wallMs: number): RuleHarness {
  // hold and max-on longer than the window, so only the schedule can release the rule.
  const rule = makeRule({ framesToFire: 1, holdMs: 12 * HOUR, maxOnMs: 12 * HOUR, schedule: workHours });
  return new RuleHarness([rule], { timeZone: 'UTC', wallMs });
}

test('a frame 1 ms before "from" is ignored; a frame exactly at "from" fires', () => {
  const h = harnessAt(MONDAY_0800 - 1);
  assert.equal(h.frame([detection()]).events.length, 0);
  h.advance(1);
  assert.equal(h.frame([detection()]).events[0]?.kind, 'fired');
});

test('an active rule is released by the tick at exactly "to", between frames, with reason disarmed', () => {
  const h = harnessAt(MONDAY_0800);
  h.frame([detection()]);
  assert.equal(h.isOn(), true);
  assert.equal(h.nextDeadlineMs, h.monoMs + 9 * HOUR, 'the next tick is the 17:00 edge');
  h.advance(9 * HOUR - 1);
  h.frame([detection()]);
  assert.equal(h.isOn(), true, 'still armed at 16:59:59.999');
  h.tickUntil(h.monoMs + 1);
  assert.equal(h.isOn(), false);
  const cleared = h.eventsOf('cleared')[0];
  assert.equal(cleared?.kind === 'cleared' ? cleared.reason : undefined, 'disarmed');
  assert.equal(cleared?.wallMs, MONDAY_0800 + 9 * HOUR);
});

test('a frame exactly at "to" releases at once even while the object is still there', () => {
  const h = harnessAt(MONDAY_0800 + 8 * HOUR);
  h.frame([detection()]);
  h.advance(HOUR);
  const result = h.frame([detection()]);
  assert.deepEqual(result.commands, [{ output: 'relay', on: false }]);
  assert.deepEqual(result.events.map((e) => e.kind), ['cleared']);
});

test('the days list is honoured: the same hours on Tuesday stay disarmed', () => {
  const h = harnessAt(MONDAY_0800 + 24 * HOUR + HOUR);
  h.run(60_000, 100, () => [detection()]);
  assert.equal(h.eventsOf('fired').length, 0);
});
