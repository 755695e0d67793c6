import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from 'mqtt';
import { deviceTopic } from '../../src/protocol/index.ts';
import { stats, status } from '../store/store-contract.ts';
import { waitFor } from '../link/helpers.ts';
import { ingestWorld } from './helpers.ts';

test('liveness: retained status seen by a replica that starts later, last will marks offline, silence marks stale', async (t) => {
  const world = await ingestWorld(t);
  const pub = await world.publisher();
  const now = Date.now();
  // Published before any replica runs: only the retained copy can tell the service about cam-old.
  await pub.publishAsync(deviceTopic('cam-old', 'status'), JSON.stringify(status('cam-old', now - 1000)), { qos: 1, retain: true });

  // cam-will connects with a retained last will, says it is online, then dies without DISCONNECT. As on a real
  // agent, the will is fixed at CONNECT, so its ts is older than the online status that follows it.
  const connectedAt = now - 1000;
  const will = JSON.stringify(status('cam-will', connectedAt, { state: 'offline', reason: 'last-will', connectedAt }));
  const device = connect(world.broker.url, {
    protocolVersion: 5, clientId: 'cam-will', reconnectPeriod: 0, keepalive: 5,
    will: { topic: deviceTopic('cam-will', 'status'), payload: Buffer.from(will), qos: 1, retain: true },
  });
  await new Promise<void>((resolve) => device.once('connect', () => { resolve(); }));
  await device.publishAsync(deviceTopic('cam-will', 'status'), JSON.stringify(status('cam-will', now - 500, { connectedAt })), { qos: 1, retain: true });

  const ingest = await world.replica('cloud-a');
  const liveness = async (id: string, at = Date.now()): Promise<string | undefined> =>
    (await world.store.getDevice(id, { now: at, staleAfterMs: 60_000 }))?.liveness;
  await waitFor(() => (ingest.counters().byChannel.status ?? 0) >= 2, 10_000, 'both retained statuses');
  assert.equal(await liveness('cam-old'), 'online');
  assert.equal(await liveness('cam-will'), 'online');

  // Stats keep cam-old fresh; without new messages it goes stale once the threshold has passed.
  await pub.publishAsync(deviceTopic('cam-old', 'stats'), JSON.stringify(stats('cam-old', Date.now())), { qos: 1 });
  await waitFor(() => (ingest.counters().byChannel.stats ?? 0) >= 1, 10_000, 'stats');
  await ingest.flush();
  assert.equal(await liveness('cam-old', Date.now() + 59_000), 'online');
  assert.equal(await liveness('cam-old', Date.now() + 61_000), 'stale');

  // A dead socket (no DISCONNECT): the broker publishes the will.
  device.stream.destroy();
  await waitFor(() => (ingest.counters().byChannel.status ?? 0) >= 3, 10_000, 'the last will');
  const detail = await world.store.getDevice('cam-will', { now: Date.now(), staleAfterMs: 60_000 });
  assert.equal(detail?.liveness, 'offline');
  assert.equal(detail.reason, 'last-will');
  device.end(true);
});
