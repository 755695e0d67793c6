import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

test('a one-frame gap inside the hold keeps the output on; a gap longer than the hold releases it', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 3, holdMs: 500 })]);
  const presence = [1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0];
  const onAfterFrame: boolean[] = [];
  let lastMatchMs = 0;
  for (const present of presence) {
    h.tickUntil(h.monoMs + 100);
    h.advance(100);
    h.frame(present === 1 ? [detection()] : []);
    if (present === 1) lastMatchMs = h.monoMs;
    onAfterFrame.push(h.isOn());
  }
  // On from the 3rd frame; the single gap (frame 5) changes nothing; off 500 ms after the last match.
  assert.deepEqual(onAfterFrame, [false, false, true, true, true, true, true, true, true, true, true, false, false, false]);
  const cleared = h.eventsOf('cleared');
  assert.equal(cleared.length, 1);
  assert.equal(cleared[0]?.kind === 'cleared' ? cleared[0].reason : undefined, 'hold-expired');
  const off = h.commands.find((c) => !c.on);
  assert.equal(off?.atMs, lastMatchMs + 500, 'released by the tick at exactly lastMatch + holdMs');
  assert.equal(h.eventsOf('fired').length, 1, 'the gap did not re-fire the rule');
});
