import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { replySchema, statusSchema } from '../../src/protocol/index.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, eventBytes, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

test('with protocol auto, the link falls back to MQTT 3.1.1 on aedes (3.1.1 only) and works there', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Runs last: aedes closes its remaining clients, so the server can then close.
  cleanup(async () => {
    await new Promise<void>((resolve) => { broker.close(() => { resolve(); }); });
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  });
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const url = `mqtt://127.0.0.1:${address.port}`;
  const id = 'dev-v4';
  const observer = await Observer.connect(url, [`lookout/v1/dev/${id}/#`], { protocolVersion: 4 });
  cleanup(() => observer.close());

  const outbox = await TrackedOutbox.openFor(cleanup);
  const link = new TelemetryLink({ config: linkConfig(url, { protocol: 'auto' }), deviceId: id, outbox, status: testStatus });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');
  const metrics = link.metrics();
  assert.equal(metrics.protocolVersion, 4);
  assert.equal(metrics.connectFailures, 1, 'one refused MQTT 5 attempt, then 3.1.1');

  outbox.enqueue('alarm', topicOf(id, 'events'), eventBytes(id, 'a1', 'alarm'));
  await waitFor(() => outbox.acked.length === 1, 3000, 'the PUBACK');
  await waitFor(() => observer.on(topicOf(id, 'events')).length === 1, 3000, 'the event at the observer');
  await waitFor(() => observer.on(topicOf(id, 'status')).length > 0, 3000, 'the status');
  assert.equal(statusSchema.parse(observer.json(topicOf(id, 'status'))[0]).state, 'online');

  await observer.client.publishAsync(topicOf(id, 'cmd'), JSON.stringify({ id: 'p1', cmd: 'ping' }), { qos: 1 });
  await waitFor(() => observer.on(topicOf(id, 'reply')).length === 1, 3000, 'the ping reply');
  const reply = replySchema.parse(observer.json(topicOf(id, 'reply'))[0]);
  assert.equal(reply.id, 'p1');
  assert.equal(reply.ok, true);
});
