import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SystemdNotifier } from '../../src/agent/health/systemd-notify.ts';
import { systemClock } from '../../src/agent/clock.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { silentLogger } from '../../src/log.ts';
import { startNotifyListener } from './support/notify-listener.ts';

test('systemd-notify sends READY=1, pings the watchdog while frames flow, withholds pings while stalled, then STOPPING=1', async (t) => {
  const listener = await startNotifyListener();
  t.after(() => {
    listener.close();
  });
  let processed = 0;
  let flowing = true;
  const frames = setInterval(() => {
    if (flowing) processed++;
  }, 40);
  t.after(() => {
    clearInterval(frames);
  });
  // WatchdogSec=0.8 s: a ping every 400 ms while the counter grows.
  const notifier = new SystemdNotifier({
    settings: { socket: listener.socket, watchdogMs: 800 },
    progress: () => processed,
    timers: systemTimers,
    clock: systemClock,
    logger: silentLogger,
  });
  t.after(() => notifier.stop());
  await notifier.start();
  assert.equal(listener.with('READY=1').length, 1, 'READY=1 arrives before start() resolves (systemd-notify waits for the barrier)');

  await sleep(2200);
  const flowingPings = listener.with('WATCHDOG=1').length;
  assert.ok(flowingPings >= 3, `pings while frames flow: ${flowingPings}`);

  flowing = false;
  // A ping decided just before the stall may still land; after that, none.
  await sleep(700);
  const atStall = listener.with('WATCHDOG=1').length;
  await sleep(2000);
  assert.equal(listener.with('WATCHDOG=1').length, atStall, 'no ping while the pipeline stands still');

  flowing = true;
  await sleep(1300);
  assert.ok(listener.with('WATCHDOG=1').length > atStall, 'pings resume with the frames');

  await notifier.stop();
  const stopping = listener.with('STOPPING=1');
  assert.equal(stopping.length, 1);
  const last = listener.messages.at(-1);
  assert.ok(last?.vars.includes('STOPPING=1'), 'STOPPING=1 is the last message');
  // Between pings at 400 ms, none may come closer than the tick (no queued-up bursts).
  const times = listener.with('WATCHDOG=1').map((m) => m.t);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! > 0.2, `pings ${i - 1} and ${i} are ${times[i]! - times[i - 1]!} s apart`);
});
