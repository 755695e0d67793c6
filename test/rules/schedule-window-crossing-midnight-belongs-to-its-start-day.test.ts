import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchedule, createZoneReader, isArmedAt } from '../../src/agent/rules/schedule.ts';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

const utc = createZoneReader('UTC');
const at = (iso: string): number => Date.parse(iso);

test('a Friday 22:00-06:00 window runs into Saturday morning and nowhere else', () => {
  const s = compileSchedule([{ days: ['fri'], from: '22:00', to: '06:00' }], utc);
  const cases: [string, boolean][] = [
    ['2025-01-09T23:00:00Z', false], // Thursday night: Thursday is not listed
    ['2025-01-10T05:00:00Z', false], // Friday early morning belongs to Thursday's window
    ['2025-01-10T21:59:00Z', false],
    ['2025-01-10T22:00:00Z', true], // Friday 22:00
    ['2025-01-11T00:00:00Z', true], // Saturday midnight
    ['2025-01-11T05:59:00Z', true],
    ['2025-01-11T06:00:00Z', false], // exactly "to"
    ['2025-01-11T22:30:00Z', false], // Saturday night
  ];
  for (const [iso, armed] of cases) assert.equal(isArmedAt(s, at(iso)), armed, iso);
});

test('24:00 ends a window at midnight', () => {
  const s = compileSchedule([{ days: ['sun'], from: '00:00', to: '24:00' }], utc);
  assert.equal(isArmedAt(s, at('2025-01-12T00:00:00Z')), true);
  assert.equal(isArmedAt(s, at('2025-01-12T23:59:59Z')), true);
  assert.equal(isArmedAt(s, at('2025-01-13T00:00:00Z')), false);
});

test('an active rule in a midnight-crossing window is released at 06:00 the next day by a tick', () => {
  const rule = makeRule({
    framesToFire: 1,
    holdMs: 48 * 3_600_000,
    maxOnMs: 48 * 3_600_000,
    schedule: [{ days: ['fri'], from: '22:00', to: '06:00' }],
  });
  const h = new RuleHarness([rule], { wallMs: at('2025-01-10T23:30:00Z') });
  h.frame([detection()]);
  assert.equal(h.isOn(), true);
  const expectedOff = h.monoMs + (at('2025-01-11T06:00:00Z') - h.wallMs);
  assert.equal(h.nextDeadlineMs, expectedOff);
  h.tickUntil(expectedOff);
  assert.equal(h.isOn(), false);
  assert.equal(h.commands.at(-1)?.atMs, expectedOff);
});
