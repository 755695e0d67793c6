import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test('after the last frame, nextDeadlineMs names the hold expiry and only a tick at it releases', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1, holdMs: 1500, maxOnMs: 10_000 })]);
  h.advance(100);
  h.frame([detection()]);
  const lastMatch = h.monoMs;
  assert.equal(h.nextDeadlineMs, lastMatch + 1500);

  h.advanceTo(lastMatch + 1499);
  assert.deepEqual(h.tick().commands, [], 'one ms early: nothing');
  h.advanceTo(lastMatch + 1500);
  const result = h.tick();
  assert.deepEqual(result.commands, [{ output: 'relay', on: false }]);
  assert.equal(result.nextDeadlineMs, null, 'nothing pending: no timer at all');
});

test('the deadline is the earlier of hold expiry and max-on', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1, holdMs: 3000, maxOnMs: 2000 })]);
  h.advance(100);
  h.frame([detection()]);
  const firedAt = h.monoMs;
  assert.equal(h.nextDeadlineMs, firedAt + 2000);
  h.advance(1000);
  h.frame([detection()]);
  assert.equal(h.nextDeadlineMs, firedAt + 2000, 'a new match moves the hold, not the max-on');
  h.tickUntil(firedAt + 5000);
  assert.equal(h.commands.at(-1)?.atMs, firedAt + 2000);
  const cleared = h.eventsOf('cleared')[0];
  assert.equal(cleared?.kind === 'cleared' ? cleared.reason : undefined, 'max-on');
});

test('an idle engine asks for no tick, and a tick changes nothing', () => {
  const h = new RuleHarness([makeRule()]);
  const result = h.tick();
  assert.equal(result.nextDeadlineMs, null);
  assert.deepEqual(result.commands, []);
  assert.deepEqual(result.events, []);
});
