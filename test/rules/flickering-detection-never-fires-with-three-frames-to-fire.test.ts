import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test('a detection present every other frame never fires a rule that needs 3 consecutive frames', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 3 })]);
  let frame = 0;
  h.run(60_000, 100, () => (frame++ % 2 === 0 ? [detection()] : []));
  assert.equal(frame, 600);
  assert.equal(h.eventsOf('fired').length, 0);
  assert.deepEqual(h.commands, []);
});

test('two matching frames then a gap never fire; the third consecutive frame does, not before', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 3 })]);
  const pattern = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1];
  const firedAt: number[] = [];
  pattern.forEach((present, i) => {
    h.advance(100);
    const result = h.frame(present === 1 ? [detection()] : []);
    if (result.events.some((e) => e.kind === 'fired')) firedAt.push(i);
  });
  assert.deepEqual(firedAt, [11]);
  assert.equal(h.isOn(), true);
  assert.deepEqual(
    h.commands.map((c) => c.on),
    [true],
  );
});

test('with framesToFire 1 a single matching frame fires at once', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1 })]);
  h.advance(100);
  const result = h.frame([detection()]);
  assert.deepEqual(result.commands, [{ output: 'relay', on: true }]);
  assert.equal(result.events[0]?.kind, 'fired');
});
