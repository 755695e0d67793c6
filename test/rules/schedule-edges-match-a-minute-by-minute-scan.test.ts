import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchedule, createZoneReader, isArmedAt, nextScheduleEdge } from '../../src/agent/rules/schedule.ts';
import { WEEKDAYS, type ScheduleWindow } from '../../src/agent/rules/index.ts';
import { prng } from '../support/prng.ts';

const MINUTE = 60_000;

// Each zone with days around its own offset changes (northern, southern, 30-minute DST, 45-minute offset).
const periods: [string, string][] = [
  ['America/New_York', '2025-03-08T00:00:00Z'],
  ['America/New_York', '2025-11-01T00:00:00Z'],
  ['Europe/Berlin', '2025-03-29T00:00:00Z'],
  ['Europe/Berlin', '2025-10-25T00:00:00Z'],
  ['Australia/Lord_Howe', '2025-04-05T00:00:00Z'],
  ['Australia/Lord_Howe', '2025-10-04T00:00:00Z'],
  ['Asia/Kathmandu', '2025-06-01T00:00:00Z'],
  ['UTC', '2025-06-01T00:00:00Z'],
];

function randomWindows(seed: number): ScheduleWindow[] {
  const r = prng(seed);
  const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return Array.from({ length: r.int(1, 3) }, () => {
    const from = r.int(0, 1439);
    let to = r.int(0, 1439);
    if (to === from) to = (from + 1) % 1440;
    return { days: WEEKDAYS.filter(() => r.chance(0.6)).concat(['sun']), from: hhmm(from), to: hhmm(to) };
  });
}

test('the armed state never changes before the predicted next edge (3 days, minute by minute)', () => {
  periods.forEach(([zoneName, startIso], index) => {
    const seed = 1000 + index;
    const schedule = compileSchedule(randomWindows(seed), createZoneReader(zoneName));
    const start = Date.parse(startIso);
    let armed = isArmedAt(schedule, start);
    let edge = nextScheduleEdge(schedule, start);
    let changes = 0;
    for (let t = start + MINUTE; t < start + 3 * 1440 * MINUTE; t += MINUTE) {
      const now = isArmedAt(schedule, t);
      if (now !== armed) {
        changes++;
        assert.ok(edge <= t, `${zoneName} seed ${seed}: changed at ${new Date(t).toISOString()}, edge predicted ${new Date(edge).toISOString()}`);
        assert.ok(edge > t - MINUTE, `${zoneName} seed ${seed}: edge ${new Date(edge).toISOString()} came a minute early`);
        armed = now;
      }
      while (edge <= t) edge = nextScheduleEdge(schedule, edge);
    }
    assert.ok(changes > 0, `${zoneName} seed ${seed}: the scan saw no change at all`);
  });
});
