import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventPayload, StatsPayload, StatusPayload } from '../../src/protocol/index.ts';
import { event, eventually, makeStore, sleep, SseClient, startDashboard, stats, status, T0, type SseMessage } from './harness.ts';
import { liveWorld, RecordingFeed } from './live-harness.ts';

test('the device stream relays stats, events and status published to the broker, and stops watching on close', async (t) => {
  const world = await liveWorld(t);
  const feed = new RecordingFeed(world.feed);
  const store = await makeStore(t);
  const { url } = await startDashboard(t, { store, live: feed, ssePingMs: 100 });

  const client = await SseClient.open(`${url}/api/v1/live/devices/cam-1`);
  t.after(() => { client.close(); });
  assert.equal(client.response.status, 200);
  assert.equal(client.response.headers.get('x-accel-buffering'), 'no');
  assert.deepEqual(feed.watched, ['cam-1']);

  // The feed subscribes asynchronously: publish until the first stats message comes through.
  let first: SseMessage | undefined;
  for (let i = 0; first === undefined; i++) {
    assert.ok(i < 50, 'no stats relayed within 5 s');
    await world.publish('cam-1', 'stats', stats('cam-1', T0 + i, { fps: 12.5 }));
    first = await client.next(100).catch(() => undefined);
  }
  assert.equal(first.event, 'stats');
  const relayed = JSON.parse(first.data) as StatsPayload;
  assert.equal(relayed.deviceId, 'cam-1');
  assert.equal(relayed.fps, 12.5);
  while (client.pending() > 0) await client.next();

  // Another device's messages are not this stream's.
  await world.publish('cam-2', 'stats', stats('cam-2', T0));
  await world.publish('cam-1', 'events', event('cam-1', 'e-1', T0, { sampleId: 's-1' }));
  const fired = await client.next();
  assert.equal(fired.event, 'events');
  assert.deepEqual(JSON.parse(fired.data) as EventPayload, event('cam-1', 'e-1', T0, { sampleId: 's-1' }));
  await world.publish('cam-1', 'status', status('cam-1', T0 + 5, { state: 'degraded', reason: 'camera-lost' }));
  const changed = await client.next();
  assert.equal(changed.event, 'status');
  assert.equal((JSON.parse(changed.data) as StatusPayload).reason, 'camera-lost');
  await sleep(250);
  assert.ok(client.comments.includes(': ping'), 'comment lines keep proxies from closing an idle stream');

  client.close();
  await eventually(() => feed.unwatched.length === 1, 3000, 'the dashboard to stop watching');
  assert.deepEqual(feed.unwatched, ['cam-1']);
  const delivered = feed.delivered.length;
  await world.publish('cam-1', 'stats', stats('cam-1', T0 + 1000));
  await sleep(200);
  assert.equal(feed.delivered.length, delivered, 'nothing reaches a stream that has gone');
});
