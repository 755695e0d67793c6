import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INGEST_CHANNELS, type IngestChannel } from '../../src/cloud/ingest/decode.ts';
import { channelSchemas, deviceTopic } from '../../src/protocol/index.ts';
import { Rng } from '../../src/agent/camera/synthetic/prng.ts';
import { event, stats, status } from '../store/store-contract.ts';
import { linkConfig, waitFor } from '../link/helpers.ts';
import { ingestWorld } from './helpers.ts';

const N = Number(process.env.LOOKOUT_FUZZ_N ?? 10_000);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]).toString('base64');

function valid(channel: IngestChannel, deviceId: string, i: number): Record<string, unknown> {
  const ts = Date.now() - 3_600_000 + i;
  switch (channel) {
    case 'status': return { ...status(deviceId, ts) };
    case 'state': return { v: 1, deviceId, ts, rules: { gate: { active: i % 2 === 0, enabled: true } }, outputs: { siren: false } };
    case 'stats': return { ...stats(deviceId, ts) };
    case 'events': return { ...event(deviceId, `e${i}`, ts) };
    case 'samples': return { v: 1, deviceId, id: `s${i}`, ts, reason: 'audit', width: 64, height: 48, jpeg: JPEG, predictions: [], model: { name: 'det', version: 1 } };
    case 'update': return { v: 1, deviceId, ts, name: 'det', version: 2, state: 'downloading', progress: 0.5 };
  }
}

/** One fuzzed payload: valid, a field replaced, a field dropped, truncated, random bytes, deep or huge JSON, another device. */
function fuzz(rng: Rng, channel: IngestChannel, deviceId: string, i: number): Buffer {
  const body = valid(channel, deviceId, i);
  const keys = Object.keys(body);
  const key = keys[Math.floor(rng.float() * keys.length)] ?? 'v';
  const junk = [null, -1, 1e308, 'x'.repeat(100), [], {}, true, '', 0.5, { $gt: 1 }, '\u0000'];
  switch (Math.floor(rng.float() * 9)) {
    case 0: return Buffer.from(JSON.stringify(body));
    case 1: return Buffer.from(JSON.stringify({ ...body, [key]: junk[Math.floor(rng.float() * junk.length)] }));
    case 2: return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(body).filter(([k]) => k !== key))));
    case 3: { const text = JSON.stringify(body); return Buffer.from(text.slice(0, Math.floor(rng.float() * text.length))); }
    case 4: return Buffer.from(Array.from({ length: Math.floor(rng.float() * 200) }, () => Math.floor(rng.float() * 256)));
    case 5: return Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    case 6: return Buffer.from(JSON.stringify({ ...body, deviceId: 'someone-else' }));
    case 7: return Buffer.from(JSON.stringify({ ...body, extra: 'x'.repeat(Math.floor(rng.float() * 70_000)) }));
    default: return Buffer.from(JSON.stringify(Math.floor(rng.float() * 3) === 0 ? [body] : 'just a string'));
  }
}

test(`${N} fuzzed payloads on each channel: each one is refused and counted or stored valid, and the ingest lives on`, { timeout: 300_000 }, async (t) => {
  const world = await ingestWorld(t);
  // The production keep-alive: this one process both floods the broker and ingests, and a 5 s keep-alive would
  // time out while its event loop is busy (mqtt.js counts only acks and PINGRESP as signs of life).
  const ingest = await world.replica('cloud-fuzz', { mqtt: linkConfig(world.broker.url, { protocol: 5, keepaliveS: 30 }) });
  const pub = await world.publisher();
  const rng = new Rng(20261126);
  let sent = 0;
  for (const channel of INGEST_CHANNELS) {
    const deviceId = `fz-${channel}`;
    const window: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      window.push(pub.publishAsync(deviceTopic(deviceId, channel), fuzz(rng, channel, deviceId, i), { qos: 1 }));
      if (window.length >= 500) await Promise.all(window.splice(0));
      sent++;
    }
    await Promise.all(window);
  }
  await waitFor(() => ingest.counters().received >= sent, 120_000, 'every fuzzed message received');
  await ingest.flush();
  const c = ingest.counters();
  const bad = Object.values(c.bad).reduce((a, b) => a + b, 0);
  // QoS 1 is at least once: a reconnect may deliver a message again, and it then counts as a duplicate.
  assert.ok(c.received >= sent);
  assert.equal(c.stored + c.duplicates + bad, c.received, 'every delivery has exactly one outcome');
  for (const reason of ['json', 'schema', 'device-mismatch', 'too-large'] as const) assert.ok(c.bad[reason] > 0, `some refused as ${reason}`);

  // What was stored is valid: read back, each row passes its channel's schema.
  const events = await world.store.listEvents({ deviceId: 'fz-events', limit: N });
  assert.ok(events.length > 0);
  for (const e of events) assert.ok(channelSchemas.events.safeParse(e.event).success);
  const samples = await world.store.listSamples({ deviceId: 'fz-samples', limit: N });
  assert.ok(samples.length > 0);
  const series = await world.store.statsSeries('fz-stats', { from: 0, to: Date.now(), maxPoints: 100_000 });
  assert.ok(series.reduce((n, p) => n + p.count, 0) > 0);
  assert.equal((await world.store.getDevice('someone-else', { now: Date.now(), staleAfterMs: 1000 })), undefined, 'nothing stored for a device that did not publish');

  // Still alive: a valid message after all that is stored.
  await pub.publishAsync(deviceTopic('fz-after', 'events'), JSON.stringify(event('fz-after', 'last', Date.now())), { qos: 1 });
  await waitFor(() => ingest.counters().received > sent, 10_000, 'the message after the fuzz');
  assert.equal((await world.store.listEvents({ deviceId: 'fz-after', limit: 1 })).length, 1);
});
