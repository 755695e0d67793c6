import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { systemTimers, type Timers } from '../../src/util/timers.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { linkConfig, recordingLogger, teardown, testStatus, waitFor } from './helpers.ts';

test('a refused password is retried at the slowest pace, logged once, and the right one connects', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start({ users: { 'dev-auth': 'right-password' } });
  cleanup(() => broker.dispose());

  const delays: number[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return systemTimers.setTimeout(fn, ms);
    },
    clearTimeout: (handle) => { systemTimers.clearTimeout(handle); },
  };
  const log = recordingLogger();
  const limits = { reconnectMinMs: 10, reconnectMaxMs: 200 };
  const refused = new TelemetryLink({
    config: linkConfig(broker.url, { ...limits, username: 'dev-auth', password: 'wrong' }),
    deviceId: 'dev-auth',
    outbox: await TrackedOutbox.openFor(cleanup),
    status: testStatus,
    logger: log,
    timers,
  });
  cleanup(() => refused.stop());
  await refused.start();
  await waitFor(() => refused.metrics().connectFailures >= 4, 5000, 'four refused attempts');
  assert.equal(refused.connected, false);
  const warnings = log.lines.filter((l) => l.level === 'warn');
  assert.equal(warnings.length, 1, 'one line for one reason');
  assert.equal(warnings[0]!.fields.kind, 'auth');
  // Equal jitter around the maximum: never below half of it, even on the first failure.
  const retries = delays.filter((ms) => ms > 0);
  assert.ok(retries.length >= 3);
  for (const ms of retries) assert.ok(ms >= limits.reconnectMaxMs / 2 && ms <= limits.reconnectMaxMs, `delay ${ms}`);
  await refused.stop();

  const accepted = new TelemetryLink({
    config: linkConfig(broker.url, { ...limits, username: 'dev-auth', password: 'right-password' }),
    deviceId: 'dev-auth',
    outbox: await TrackedOutbox.openFor(cleanup),
    status: testStatus,
  });
  cleanup(() => accepted.stop());
  await accepted.start();
  await waitFor(() => accepted.connected, 5000, 'the link with the right password');
  assert.equal(accepted.metrics().connectFailures, 0);
});
