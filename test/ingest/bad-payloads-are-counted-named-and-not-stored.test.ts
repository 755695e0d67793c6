import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceTopic } from '../../src/protocol/index.ts';
import { event, stats } from '../store/store-contract.ts';
import { waitFor } from '../link/helpers.ts';
import { ingestWorld } from './helpers.ts';

test('bad payloads are counted by reason, named in the record, acknowledged and never stored', async (t) => {
  const world = await ingestWorld(t);
  const ingest = await world.replica('cloud-a');
  const pub = await world.publisher();
  const now = Date.now();
  const send = (topic: string, body: string | Buffer): Promise<unknown> => pub.publishAsync(topic, body, { qos: 1 });

  await send(deviceTopic('cam-1', 'stats'), '{"v":1,"deviceId":"cam-1",');
  await send(deviceTopic('cam-1', 'stats'), JSON.stringify({ ...stats('cam-1', now), fps: -3 }));
  await send(deviceTopic('cam-1', 'events'), JSON.stringify(event('cam-2', 'spoof', now)));
  await send(deviceTopic('cam-1', 'stats'), Buffer.alloc(70 * 1024, 0x20));
  // Valid JSON and schema, but the "JPEG" is not one: the store refuses it.
  await send(deviceTopic('cam-1', 'samples'), JSON.stringify({
    v: 1, deviceId: 'cam-1', id: 's1', ts: now, reason: 'audit', width: 64, height: 48,
    jpeg: Buffer.from('GIF89a not a jpeg').toString('base64'), predictions: [], model: { name: 'det', version: 1 },
  }));
  // One good message last: the intake goes on after bad ones.
  await send(deviceTopic('cam-1', 'events'), JSON.stringify(event('cam-1', 'good', now)));

  await waitFor(() => ingest.counters().received >= 6, 10_000, 'six messages received');
  await ingest.flush();
  const c = ingest.counters();
  assert.deepEqual(c.bad, { topic: 0, json: 1, schema: 1, 'device-mismatch': 1, 'too-large': 1, store: 1 });
  assert.equal(c.stored, 1);

  const recent = ingest.recentBad();
  assert.equal(recent.length, 5);
  const detail = (reason: string): string => recent.find((r) => r.reason === reason)?.detail ?? '';
  assert.match(detail('schema'), /^fps: /, 'the schema failure names the field');
  assert.match(detail('json'), /JSON/);
  assert.match(detail('device-mismatch'), /"cam-2".*"cam-1"/);
  assert.match(detail('too-large'), /71680 bytes/);
  assert.match(detail('store'), /sample\.jpeg: not a JPEG/);

  assert.deepEqual((await world.store.listEvents({ limit: 10 })).map((e) => e.event.id), ['good']);
  assert.equal((await world.store.listSamples({ limit: 10 })).length, 0);
  const series = await world.store.statsSeries('cam-1', { from: 0, to: now + 1, maxPoints: 10 });
  assert.equal(series.length, 0, 'no stats row from a bad stats message');
});
