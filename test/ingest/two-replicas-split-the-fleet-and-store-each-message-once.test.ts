import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceTopic } from '../../src/protocol/index.ts';
import { event, stats } from '../store/store-contract.ts';
import { waitFor } from '../link/helpers.ts';
import { ingestWorld } from './helpers.ts';

test('two replicas on one shared subscription split the messages and each is stored exactly once', async (t) => {
  const world = await ingestWorld(t);
  const a = await world.replica('cloud-a');
  const b = await world.replica('cloud-b');
  const pub = await world.publisher();
  const devices = 20;
  const perDevice = 60;
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < perDevice; i++) {
    for (let d = 0; d < devices; d++) {
      const id = `cam-${d}`;
      await pub.publishAsync(deviceTopic(id, 'stats'), JSON.stringify(stats(id, t0 + i * 1000)), { qos: 1 });
    }
  }
  for (let d = 0; d < devices; d++) {
    const id = `cam-${d}`;
    await pub.publishAsync(deviceTopic(id, 'events'), JSON.stringify(event(id, `e-${d}`, t0 + 5000)), { qos: 1 });
  }
  const total = devices * perDevice;
  const seen = (): number => (a.counters().byChannel.stats ?? 0) + (b.counters().byChannel.stats ?? 0);
  const events = (): number => (a.counters().byChannel.events ?? 0) + (b.counters().byChannel.events ?? 0);
  await waitFor(() => seen() >= total && events() >= devices, 20_000, 'every message delivered to a replica');
  await Promise.all([a.flush(), b.flush()]);

  const ca = a.counters();
  const cb = b.counters();
  assert.equal(seen(), total, 'no stats message delivered twice');
  assert.equal((ca.byChannel.events ?? 0) + (cb.byChannel.events ?? 0), devices);
  // The split is the broker's (mosquitto round-robins a share group); each replica must carry a real part.
  for (const [name, c] of [['a', ca], ['b', cb]] as const) {
    const share = (c.byChannel.stats ?? 0) / total;
    assert.ok(share > 0.25 && share < 0.75, `replica ${name} handled ${Math.round(share * 100)} % of the stats`);
  }
  assert.equal(ca.stored + cb.stored, total + devices, 'every message stored by one replica');
  assert.equal(ca.duplicates + cb.duplicates, 0);

  for (let d = 0; d < devices; d++) {
    const points = await world.store.statsSeries(`cam-${d}`, { from: t0, to: t0 + perDevice * 1000, maxPoints: 10_000 });
    assert.equal(points.reduce((n, p) => n + p.count, 0), perDevice, `cam-${d} has each of its stats rows once`);
  }
  assert.equal((await world.store.listEvents({ limit: 1000 })).length, devices);
});
