import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuleState, setRuleEnabled } from '../../src/agent/rules/index.ts';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test('disabling an active rule releases its output on the next step, with reason disabled', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 2, holdMs: 5000 })]);
  h.run(1000, 100, () => [detection()]);
  assert.equal(h.isOn(), true);
  const before = h.state;
  const result = h.setEnabled('gate', false);
  assert.deepEqual(result.commands, [{ output: 'relay', on: false }]);
  assert.equal(result.events[0]?.kind === 'cleared' ? result.events[0].reason : undefined, 'disabled');
  assert.equal(result.nextDeadlineMs, null);
  assert.equal(before.rules[0]?.enabled, true, 'the old state object is untouched (pure)');

  h.run(10_000, 100, () => [detection()]);
  assert.equal(h.eventsOf('fired').length, 1, 'a disabled rule never fires');
  assert.equal(h.isOn(), false);
});

test('re-enabling needs fresh consecutive frames before the rule fires again', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 3, holdMs: 500 })]);
  h.setEnabled('gate', false);
  h.run(1000, 100, () => [detection()]);
  h.setEnabled('gate', true);
  const firedAt: number[] = [];
  for (let i = 0; i < 5; i++) {
    h.advance(100);
    if (h.frame([detection()]).events.some((e) => e.kind === 'fired')) firedAt.push(i);
  }
  assert.deepEqual(firedAt, [2]);
});

test('a rule configured disabled starts disabled; an unknown name is a LookoutError', () => {
  const h = new RuleHarness([makeRule({ enabled: false, framesToFire: 1 })]);
  h.run(1000, 100, () => [detection()]);
  assert.equal(h.eventsOf('fired').length, 0);
  const state = createRuleState(h.rules);
  assert.throws(() => setRuleEnabled(h.rules, state, 'no-such-rule', true), {
    name: 'LookoutError',
    code: 'UNKNOWN_RULE',
  });
  assert.equal(setRuleEnabled(h.rules, state, 'gate', false), state, 'no change, same state object');
});
