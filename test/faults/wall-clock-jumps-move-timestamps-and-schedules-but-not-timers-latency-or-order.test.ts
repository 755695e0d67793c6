import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, teardown, waitFor } from '../link/helpers.ts';
import { eventsAt, journal, type EventSeen, loadConfig, pendingInOutbox, sleep, startAgent, statsAt, stopAgent, switchOns, topic } from './support/agent-under-load.ts';

const FAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const PHASE_MS = 4000;
const HOUR = 3_600_000;

test('the wall clock jumping forwards and back moves timestamps and schedules, never timers, latency, stats cadence or order', {
  timeout: 60_000,
  skip: existsSync(FAKETIME) ? false : `${FAKETIME} missing (Debian package libfaketime)`,
}, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const observer = await Observer.connect(broker.url, [topic('events'), topic('stats')]);
  cleanup(() => observer.close());
  const dir = mkdtempSync(join(tmpdir(), 'lookout-clock-jumps-'));
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });

  // libfaketime (README "Setting FAKETIME by means of a file timestamp"): the offset in this file applies to
  // the agent's wall clock only, re-read on every call with FAKETIME_NO_CACHE; the monotonic clock stays real.
  const offsetFile = join(dir, 'faketime.rc');
  let offsetMs = 0;
  /** Moves the agent's wall clock so that it reads `wallMs` now. */
  const setWall = (wallMs: number): void => {
    const seconds = Math.round((wallMs - Date.now()) / 1000);
    offsetMs = seconds * 1000;
    writeFileSync(offsetFile, `${seconds >= 0 ? '+' : ''}${seconds}\n`);
  };
  // 06:00 UTC tomorrow: inside the night rule's 00:00-12:00 window.
  const morning = new Date();
  morning.setUTCDate(morning.getUTCDate() + 1);
  morning.setUTCHours(6, 0, 0, 0);
  setWall(morning.getTime());

  const config = loadConfig(dir, broker.url);
  config.gpio = { ...config.gpio, outputs: [...(config.gpio?.outputs ?? []), { name: 'lamp', line: 22 }] };
  config.rules = [...(config.rules ?? []), { name: 'night', classes: ['person'], framesToFire: 2, holdMs: 200, maxOnMs: 600_000, output: 'lamp', schedule: [{ from: '00:00', to: '12:00' }] }];
  const agent = startAgent(dir, config, {
    ...process.env,
    LD_PRELOAD: FAKETIME,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  cleanup(() => stopAgent(agent));
  await waitFor(() => eventsAt(observer).some((e) => e.rule === 'night'), 20_000, 'the night rule to fire at 06:00');

  const bands: { name: string; from: number; to: number }[] = [];
  const phase = async (name: string, wallMs: number): Promise<void> => {
    if (bands.length > 0) setWall(wallMs);
    const from = Date.now() + offsetMs;
    await sleep(PHASE_MS);
    bands.push({ name, from: from - 1500, to: Date.now() + offsetMs + 1500 });
  };
  await phase('06:00', Date.now() + offsetMs);
  await phase('18:00 (+12 h)', Date.now() + offsetMs + 12 * HOUR);
  await phase('06:00 again (-12 h)', Date.now() + offsetMs - 12 * HOUR);
  assert.equal(await stopAgent(agent), 0, agent.other());
  await sleep(500);

  // Schedules follow the wall clock: armed at 06:00, disarmed (released at once) at 18:00, armed again.
  const lamp = journal(dir).filter((j) => j.output === 'lamp').map((j) => (j.on ? 'on' : 'off'));
  assert.deepEqual(lamp, ['off', 'on', 'off', 'on', 'off'], 'lamp: claimed off, on, off at 18:00, on at 06:00, off at stop');

  // Rule timers run on the monotonic clock: the siren cycle (~800 ms) neither stretches nor shrinks at a jump.
  const ons = switchOns(dir, 'siren');
  const gaps = ons.slice(1).map((on, i) => on.atMs - ons[i]!.atMs);
  assert.ok(Math.min(...gaps) > 600 && Math.max(...gaps) < 1600, `siren cycles ${Math.min(...gaps).toFixed(0)}-${Math.max(...gaps).toFixed(0)} ms`);

  const pending = await pendingInOutbox(dir);
  const events = [...eventsAt(observer), ...pending.filter((p) => p.topic === topic('events')).map((p) => p.body as EventSeen)];
  // Latency is monotonic: never negative, never the size of a jump.
  const latencies = events.flatMap((e) => (e.glassToGpioMs === undefined ? [] : [e.glassToGpioMs]));
  assert.ok(latencies.length > 10 && latencies.every((ms) => ms >= 0 && ms < 1000), `glass-to-GPIO ${Math.min(...latencies)}-${Math.max(...latencies)} ms`);

  // Nothing lost, nothing reordered: one fired per switch-on, and each rule's events alternate fired/cleared
  // in the order they were queued, though their `ts` went back 12 hours.
  for (const [rule, output] of [['person', 'siren'], ['car', 'beacon']] as const) {
    const own = events.filter((e) => e.rule === rule);
    assert.equal(own.filter((e) => e.kind === 'fired').length, switchOns(dir, output).length, `${rule}: one fired event per switch-on`);
    own.forEach((e, i) => { assert.equal(e.kind, i % 2 === 0 ? 'fired' : 'cleared', `${rule} event ${i} out of order`); });
  }

  // Telemetry `ts` follows the new wall clock: every event and stats message falls in its phase's band, and
  // every band has some.
  const stats = statsAt(observer);
  const bandOf = (ts: number): string | undefined => bands.find((b) => ts >= b.from && ts <= b.to)?.name;
  for (const m of [...events, ...stats]) assert.ok(bandOf(m.ts) !== undefined, `ts ${new Date(m.ts).toISOString()} is in no phase`);
  for (const b of bands) {
    assert.ok(events.some((e) => bandOf(e.ts) === b.name), `events stamped in ${b.name}`);
    assert.ok(stats.some((s) => bandOf(s.ts) === b.name), `stats stamped in ${b.name}`);
  }
  // Stats windows keep their 1 s cadence through both jumps: no burst of catch-up windows, no stall.
  const intervals = stats.map((s) => s.intervalS);
  assert.ok(Math.min(...intervals) >= 0.5 && Math.max(...intervals) <= 2.5, `stats windows ${Math.min(...intervals)}-${Math.max(...intervals)} s`);
  assert.ok(stats.length >= (3 * PHASE_MS) / 1000 - 1, `stats messages: ${stats.length}`);
  t.diagnostic(`lamp ${lamp.join(',')}; siren cycles ${Math.min(...gaps).toFixed(0)}-${Math.max(...gaps).toFixed(0)} ms; glass-to-GPIO ${Math.min(...latencies)}-${Math.max(...latencies)} ms; ${events.length} events, ${stats.length} stats (windows ${Math.min(...intervals)}-${Math.max(...intervals)} s)`);
});
