import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, teardown, waitFor } from '../link/helpers.ts';
import { DEVICE, eventsAt, loadConfig, pendingInOutbox, sleep, startAgent, stopAgent, switchOns, topic } from './support/agent-under-load.ts';

/** Longer than 1.5 × the 5 s keepalive: the half-open connection must be noticed, not waited out. */
const PAUSE_MS = 12_000;

interface Status {
  state: string;
  reason?: string;
  ts: number;
  connectedAt?: number;
}

test('a broker paused past the keepalive: the agent notices, keeps driving outputs, and after resume delivers the backlog alarms first', { timeout: 60_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const observer = await Observer.connect(broker.url, [topic('events'), topic('stats'), topic('samples'), topic('status')]);
  cleanup(() => observer.close());
  const dir = mkdtempSync(join(tmpdir(), 'lookout-paused-broker-'));
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });

  const agent = startAgent(dir, loadConfig(dir, broker.url));
  cleanup(() => stopAgent(agent));
  const connects = (): number[] => agent.logs().filter((l) => l.msg === 'MQTT connected').map((l) => l.time as number);
  await waitFor(() => connects().length === 1, 20_000, 'the agent to connect');
  await sleep(3000);

  const pausedAt = Date.now();
  await broker.pause();
  await sleep(PAUSE_MS);
  const lost = agent.logs().filter((l) => l.msg === 'MQTT connection lost').map((l) => l.time as number);
  assert.equal(lost.length, 1, 'the lost connection was noticed once, while paused');
  const lostAt = lost[0]!;
  const noticedMs = lostAt - pausedAt;
  assert.ok(noticedMs <= 5000 * 1.5 + 1500, `noticed after ${noticedMs} ms`);
  await broker.resume();
  await waitFor(() => connects().length === 2, 20_000, 'the agent to reconnect');
  const reconnectedAt = connects()[1]!;
  await sleep(3000);
  assert.equal(await stopAgent(agent), 0, agent.other());
  await sleep(500);

  // Outputs kept cycling through the whole run, pause included: no gap longer than two cycles (~800 ms each).
  const ons = switchOns(dir, 'siren');
  const gaps = ons.slice(1).map((on, i) => on.atMs - ons[i]!.atMs);
  assert.ok(Math.max(...gaps) < 1600, `longest siren cycle ${Math.max(...gaps).toFixed(0)} ms`);
  const runMs = ons.at(-1)!.atMs - ons[0]!.atMs;
  assert.ok(runMs > PAUSE_MS, `the siren cycled for ${runMs} ms, the pause included`);

  // Nothing lost: one fired event per switch-on, at the broker or still in the outbox.
  const pending = await pendingInOutbox(dir);
  const events = [...eventsAt(observer), ...pending.filter((p) => p.topic === topic('events')).map((p) => p.body)];
  for (const [rule, output] of [['person', 'siren'], ['car', 'beacon']] as const) {
    const fired = new Set(events.filter((e) => e.rule === rule && e.kind === 'fired').map((e) => e.id));
    assert.equal(fired.size, switchOns(dir, output).length, `${rule}: one fired event per switch-on of ${output}`);
  }

  // What was queued while the link was down went out in priority order: alarms, events, stats, samples.
  const rankOf = (m: { topic: string; body: { priority?: string; ts: number } }): number =>
    m.topic === topic('events') ? (m.body.priority === 'alarm' ? 0 : 1) : m.topic === topic('stats') ? 2 : 3;
  const firstSeen = new Set<string>();
  const backlog: number[] = [];
  for (const m of observer.messages) {
    if (m.topic === topic('status')) continue;
    const body = JSON.parse(m.payload.toString('utf8')) as { id?: string; priority?: string; ts: number };
    const key = `${m.topic} ${body.id ?? body.ts}`;
    if (firstSeen.has(key)) continue;
    firstSeen.add(key);
    // Margins: a sample is stamped at capture, a little before it is queued.
    if (body.ts > lostAt + 200 && body.ts < reconnectedAt - 500) backlog.push(rankOf({ topic: m.topic, body }));
  }
  for (const rank of [0, 1, 2, 3]) assert.ok(backlog.includes(rank), `the backlog holds rank ${rank}: ${backlog.join('')}`);
  for (let i = 1; i < backlog.length; i++) assert.ok(backlog[i]! >= backlog[i - 1]!, `priority order broken at ${i}: ${backlog.join('')}`);

  // Status: online again after the resume; a last will published for the dead connection names that
  // connection, so it cannot override the new one's status.
  const statuses = observer.json(topic('status')) as Status[];
  const onlines = statuses.filter((s) => s.state === 'online');
  assert.equal(onlines.length, 2, 'online once per connection');
  const latestOnline = onlines.at(-1)!;
  assert.ok(latestOnline.ts >= reconnectedAt - 50, 'the second online is the new connection');
  for (const will of statuses.filter((s) => s.reason === 'last-will')) {
    assert.ok(will.connectedAt !== undefined && will.connectedAt < (latestOnline.connectedAt ?? latestOnline.ts), 'a will names its own, older connection');
  }
  // The clean stop leaves `offline` (shutdown) as the retained status.
  const late = await Observer.connect(broker.url, [topic('status')]);
  cleanup(() => late.close());
  await waitFor(() => late.on(topic('status')).length > 0, 5000, 'the retained status');
  const retained = late.json(topic('status')).at(-1) as Status & { deviceId: string };
  assert.deepEqual([retained.deviceId, retained.state, retained.reason], [DEVICE, 'offline', 'shutdown']);
  t.diagnostic(`paused ${PAUSE_MS} ms; noticed after ${noticedMs} ms; reconnected ${reconnectedAt - pausedAt - PAUSE_MS} ms after resume; backlog of ${backlog.length} in order; ${events.length} events, ${pending.length} left queued; wills seen ${statuses.filter((s) => s.reason === 'last-will').length}; longest siren cycle ${Math.max(...gaps).toFixed(0)} ms`);
});
