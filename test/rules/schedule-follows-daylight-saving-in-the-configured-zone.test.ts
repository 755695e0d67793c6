import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileSchedule,
  createZoneReader,
  isArmedAt,
  nextScheduleEdge,
  type CompiledSchedule,
} from '../../src/agent/rules/schedule.ts';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

const at = (iso: string): number => Date.parse(iso);

/** The next instant the armed state really changes (edges are instants where it may change). */
function nextChange(s: CompiledSchedule, fromMs: number): number {
  const armed = isArmedAt(s, fromMs);
  let edge = nextScheduleEdge(s, fromMs);
  while (isArmedAt(s, edge) === armed) edge = nextScheduleEdge(s, edge);
  return edge;
}
const berlin = createZoneReader('Europe/Berlin');
const nightly = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, from: '22:00', to: '06:00' }];

// Europe/Berlin: 2025-03-30 02:00 CET -> 03:00 CEST (01:00 UTC); 2025-10-26 03:00 CEST -> 02:00 CET (01:00 UTC).

test('the night clocks go forward, a 22:00-06:00 window lasts 7 hours of real time', () => {
  const s = compileSchedule(nightly.map((w) => ({ ...w, days: [...w.days] })), berlin);
  assert.equal(isArmedAt(s, at('2025-03-29T20:59:00Z')), false);
  assert.equal(isArmedAt(s, at('2025-03-29T21:00:00Z')), true); // 22:00 CET
  assert.equal(isArmedAt(s, at('2025-03-30T03:59:00Z')), true);
  assert.equal(isArmedAt(s, at('2025-03-30T04:00:00Z')), false); // 06:00 CEST
  assert.equal(nextChange(s, at('2025-03-29T21:00:00Z')), at('2025-03-30T04:00:00Z'));
});

test('the night clocks go back, the same window lasts 9 hours', () => {
  const s = compileSchedule(nightly.map((w) => ({ ...w, days: [...w.days] })), berlin);
  assert.equal(isArmedAt(s, at('2025-10-25T20:00:00Z')), true); // 22:00 CEST
  assert.equal(nextChange(s, at('2025-10-25T20:00:00Z')), at('2025-10-26T05:00:00Z')); // 06:00 CET
  assert.equal(isArmedAt(s, at('2025-10-26T04:59:00Z')), true);
  assert.equal(isArmedAt(s, at('2025-10-26T05:00:00Z')), false);
});

test('a window starting inside the skipped hour arms at the jump', () => {
  const s = compileSchedule([{ days: ['sun'], from: '02:30', to: '03:30' }], berlin);
  assert.equal(isArmedAt(s, at('2025-03-30T00:59:00Z')), false); // 01:59 CET
  assert.equal(nextScheduleEdge(s, at('2025-03-30T00:30:00Z')), at('2025-03-30T01:00:00Z'));
  assert.equal(isArmedAt(s, at('2025-03-30T01:00:00Z')), true); // 03:00 CEST
  assert.equal(isArmedAt(s, at('2025-03-30T01:29:00Z')), true);
  assert.equal(isArmedAt(s, at('2025-03-30T01:30:00Z')), false); // 03:30 CEST
});

test('a window inside the repeated hour is armed twice', () => {
  const s = compileSchedule([{ days: ['sun'], from: '02:00', to: '02:30' }], berlin);
  const armed = ['2025-10-26T00:00:00Z', '2025-10-26T00:29:00Z', '2025-10-26T01:00:00Z', '2025-10-26T01:29:00Z'];
  const disarmed = ['2025-10-25T23:59:00Z', '2025-10-26T00:30:00Z', '2025-10-26T00:59:00Z', '2025-10-26T01:30:00Z'];
  for (const iso of armed) assert.equal(isArmedAt(s, at(iso)), true, iso);
  for (const iso of disarmed) assert.equal(isArmedAt(s, at(iso)), false, iso);
  assert.equal(nextScheduleEdge(s, at('2025-10-26T00:30:00Z')), at('2025-10-26T01:00:00Z'));
});

test('UTC has no daylight saving: the same window is 8 hours every night', () => {
  const s = compileSchedule(nightly.map((w) => ({ ...w, days: [...w.days] })), createZoneReader('UTC'));
  assert.equal(nextScheduleEdge(s, at('2025-03-29T22:00:00Z')), at('2025-03-30T06:00:00Z'));
  assert.equal(nextScheduleEdge(s, at('2025-10-25T22:00:00Z')), at('2025-10-26T06:00:00Z'));
});

test('the engine releases a rule at 06:00 local time on the morning after the change', () => {
  const rule = makeRule({
    framesToFire: 1,
    holdMs: 24 * 3_600_000,
    maxOnMs: 24 * 3_600_000,
    schedule: nightly.map((w) => ({ ...w, days: [...w.days] })),
  });
  const h = new RuleHarness([rule], { timeZone: 'Europe/Berlin', wallMs: at('2025-03-29T21:00:00Z') });
  h.frame([detection()]);
  assert.equal(h.isOn(), true);
  h.tickUntil(h.monoMs + 24 * 3_600_000);
  const off = h.commands.find((c) => !c.on);
  assert.equal(off?.atMs, h.commands[0]!.atMs + 7 * 3_600_000);
});
