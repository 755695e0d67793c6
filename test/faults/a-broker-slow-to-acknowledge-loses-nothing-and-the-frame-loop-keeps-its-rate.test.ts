import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, teardown, waitFor } from '../link/helpers.ts';
import { DelayingProxy } from './support/delaying-proxy.ts';
import { duplicates, eventsAt, loadConfig, pendingInOutbox, samplesAt, sleep, startAgent, statsAt, stopAgent, switchOns, topic } from './support/agent-under-load.ts';

/** Every broker→agent chunk (CONNACK, SUBACK, PUBACK, PINGRESP) arrives this late; keepalive is 5 s. */
const DELAY_MS = 2000;
const LOAD_MS = 15_000;

test('a broker slow to acknowledge: every record arrives, none twice, no reconnect, and the frame loop keeps its rate', { timeout: 60_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const observer = await Observer.connect(broker.url, [topic('events'), topic('stats'), topic('samples'), topic('status')]);
  cleanup(() => observer.close());
  const proxy = await DelayingProxy.start(broker.port, DELAY_MS);
  cleanup(() => proxy.stop());
  const dir = mkdtempSync(join(tmpdir(), 'lookout-slow-broker-'));
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });

  const agent = startAgent(dir, loadConfig(dir, proxy.url));
  cleanup(() => stopAgent(agent));
  await waitFor(() => observer.on(topic('status')).length > 0, 20_000, 'the agent to come online through the proxy');
  await sleep(LOAD_MS);
  assert.equal(await stopAgent(agent), 0, agent.other());
  // What the broker had already taken reaches the observer directly; give it a moment.
  await sleep(1000);

  const pending = await pendingInOutbox(dir);
  const events = [...eventsAt(observer), ...pending.filter((p) => p.topic === topic('events')).map((p) => p.body)];
  const stats = statsAt(observer);
  const samples = samplesAt(observer);

  // Nothing lost: every firing the journal shows has its event, at the broker or still durably queued.
  for (const [rule, output] of [['person', 'siren'], ['car', 'beacon']] as const) {
    const fired = new Set(events.filter((e) => e.rule === rule && e.kind === 'fired').map((e) => e.id));
    assert.equal(fired.size, switchOns(dir, output).length, `${rule}: one fired event per switch-on of ${output}`);
  }
  // One connection for the whole run: late acknowledgements neither trip the keepalive nor cause a reconnect storm.
  assert.equal(proxy.connections, 1, 'connections through the proxy');
  const onlines = observer.json(topic('status')).filter((s) => (s as { state: string }).state === 'online');
  assert.equal(onlines.length, 1, 'one online status');
  assert.equal(agent.logs().filter((l) => l.msg === 'MQTT connection lost').length, 0, 'no connection lost');
  // QoS 1 may duplicate only across a reconnect, and there was none.
  assert.equal(duplicates(eventsAt(observer).map((e) => e.id)), 0, 'duplicate events');
  assert.equal(duplicates(samples.map((s) => s.id)), 0, 'duplicate samples');
  // The link kept up: the outbox holds at most about one in-flight window plus what was queued while the
  // last acknowledgements were on their way, and it dropped nothing.
  assert.ok(pending.length <= 40, `outbox left with ${pending.length} records`);
  assert.ok(stats.every((s) => s.outbox.dropped === 0), 'the outbox dropped nothing');
  assert.ok(stats.length >= LOAD_MS / 1000 - 5, `stats at the broker: ${stats.length}`);
  assert.ok(samples.length >= LOAD_MS / 1000 - 6, `samples at the broker: ${samples.length}`);

  // Stats keep their 1 s cadence: no burst of near-empty windows (a timer firing early once caused one).
  const intervals = stats.map((s) => s.intervalS);
  assert.ok(Math.min(...intervals) >= 0.5 && Math.max(...intervals) <= 2.5, `stats windows ${Math.min(...intervals)}-${Math.max(...intervals)} s`);
  // The frame loop kept its rate (20 fps configured) in every full stats window.
  const windows = stats.slice(1);
  const minFps = Math.min(...windows.map((s) => s.fps));
  assert.ok(minFps >= 10, `lowest fps in a stats window: ${minFps}`);
  // The rule timers ran on time: a cycle is 2 frames + 400 ms on + 300 ms cooldown (about 800 ms).
  const ons = switchOns(dir, 'siren');
  const gaps = ons.slice(1).map((on, i) => on.atMs - ons[i]!.atMs);
  assert.ok(gaps.length >= 10, `siren cycles: ${gaps.length}`);
  assert.ok(Math.max(...gaps) < 1600, `longest siren cycle ${Math.max(...gaps).toFixed(0)} ms`);
  t.diagnostic(`delay ${DELAY_MS} ms: ${proxy.chunks} chunks delayed, ${events.length} events (${pending.length} records left queued), ${stats.length} stats, ${samples.length} samples, min fps ${minFps}, siren cycle ${Math.min(...gaps).toFixed(0)}-${Math.max(...gaps).toFixed(0)} ms`);
});
