import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { replySchema, statusSchema } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, eventBytes, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

test('the link connects to mosquitto with MQTT 5: status, events, a command with correlation data, a clean offline', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const id = 'dev-v5';
  const observer = await Observer.connect(broker.url, [`lookout/v1/dev/${id}/#`, 'requester/replies'], { protocolVersion: 5 });
  cleanup(() => observer.close());

  const outbox = await TrackedOutbox.openFor(cleanup);
  const link = new TelemetryLink({ config: linkConfig(broker.url), deviceId: id, outbox, status: testStatus });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');
  assert.equal(link.metrics().protocolVersion, 5);

  await waitFor(() => observer.on(topicOf(id, 'status')).length > 0, 3000, 'the online status');
  const online = statusSchema.parse(observer.json(topicOf(id, 'status'))[0]);
  assert.equal(online.state, 'online');
  assert.equal(online.agentVersion, '0.1.0-test');
  assert.deepEqual(online.model, { name: 'lookout-int8', version: 3 });

  const ids = [outbox.enqueue('event', topicOf(id, 'events'), eventBytes(id, 'e1')), outbox.enqueue('event', topicOf(id, 'events'), eventBytes(id, 'e2'))];
  await waitFor(() => outbox.acked.length === 2, 3000, 'two PUBACKs');
  assert.deepEqual([...outbox.acked].sort(), ids.sort());
  await waitFor(() => observer.on(topicOf(id, 'events')).length === 2, 3000, 'the events at the observer');

  const correlationData = Buffer.from('corr-42');
  await observer.client.publishAsync(topicOf(id, 'cmd'), JSON.stringify({ id: 'c1', cmd: 'ping' }), {
    qos: 1,
    properties: { correlationData, responseTopic: 'requester/replies' },
  });
  await waitFor(() => observer.on(topicOf(id, 'reply')).length === 1 && observer.on('requester/replies').length === 1, 3000, 'the ping reply');
  const reply = observer.on(topicOf(id, 'reply'))[0]!;
  const parsed = replySchema.parse(JSON.parse(reply.payload.toString('utf8')));
  assert.equal(parsed.id, 'c1');
  assert.equal(parsed.ok, true);
  assert.deepEqual(reply.packet.properties?.correlationData, correlationData);
  assert.deepEqual(observer.on('requester/replies')[0]!.packet.properties?.correlationData, correlationData);

  const metrics = link.metrics();
  assert.equal(metrics.messagesAcked, 2);
  assert.equal(metrics.commands, 1);
  assert.ok(metrics.bytesSent > 0);

  await link.stop();
  assert.equal(link.connected, false);
  const late = await Observer.connect(broker.url, [topicOf(id, 'status')], { protocolVersion: 5 });
  cleanup(() => late.close());
  await waitFor(() => late.messages.length > 0, 3000, 'the retained status');
  const retained = statusSchema.parse(late.json(topicOf(id, 'status'))[0]);
  assert.equal(late.messages[0]!.retain, true);
  assert.equal(retained.state, 'offline');
  assert.equal(retained.reason, 'shutdown');
});
