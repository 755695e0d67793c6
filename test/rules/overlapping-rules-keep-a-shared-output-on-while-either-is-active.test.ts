import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test("one rule's max-on cutoff does not switch off an output another active rule holds", () => {
  const shortRule = makeRule({ name: 'person-short', classes: ['person'], framesToFire: 1, maxOnMs: 5000, holdMs: 1000, output: 'siren' });
  const longRule = makeRule({ name: 'person-long', classes: ['person'], framesToFire: 1, maxOnMs: 20_000, holdMs: 1000, output: 'siren' });
  const h = new RuleHarness([shortRule, longRule]);
  h.run(30_000, 100, (t) => (t - 1_000_000 <= 12_000 ? [detection()] : []));

  const cleared = h.eventsOf('cleared').map((e) => [e.rule, e.kind === 'cleared' ? e.reason : '', e.monoMs - 1_000_000]);
  assert.deepEqual(cleared[0], ['person-short', 'max-on', 5100]);
  // The siren stays on through the short rule's cutoff and goes off only when the long rule's hold expires.
  assert.deepEqual(
    h.commands.map((c) => [c.output, c.on, c.atMs - 1_000_000]),
    [
      ['siren', true, 100],
      ['siren', false, 13_000],
    ],
  );
});

test('two outputs driven by two rules switch independently', () => {
  const h = new RuleHarness([
    makeRule({ name: 'cars', classes: ['car'], framesToFire: 1, holdMs: 500, output: 'gate' }),
    makeRule({ name: 'people', classes: ['person'], framesToFire: 1, holdMs: 500, output: 'light' }),
  ]);
  h.advance(100);
  h.frame([detection(undefined, 0.9, 'car')]);
  assert.deepEqual(h.state.outputs, { gate: true, light: false });
  h.advance(100);
  h.frame([detection(undefined, 0.9, 'person'), detection(undefined, 0.9, 'car')]);
  assert.deepEqual(h.state.outputs, { gate: true, light: true });
  h.tickUntil(h.monoMs + 10_000);
  assert.deepEqual(h.state.outputs, { gate: false, light: false });
});
