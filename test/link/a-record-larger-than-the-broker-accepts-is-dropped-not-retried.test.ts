import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, eventBytes, linkConfig, recordingLogger, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

test('a record over the broker\'s maximum packet size is dropped and counted, and the records behind it still go', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  // Announced in CONNACK (MQTT 5 Maximum Packet Size); a bigger PUBLISH would get the link disconnected.
  const broker = await Mosquitto.start({ extra: ['max_packet_size 4096'] });
  cleanup(() => broker.dispose());
  const id = 'dev-big';
  const observer = await Observer.connect(broker.url, [topicOf(id, 'events'), topicOf(id, 'samples')], { protocolVersion: 5 });
  cleanup(() => observer.close());

  const outbox = await TrackedOutbox.openFor(cleanup);
  const log = recordingLogger();
  const link = new TelemetryLink({ config: linkConfig(broker.url), deviceId: id, outbox, status: testStatus, logger: log });
  cleanup(() => link.stop());
  // Queued before the connection, with the big one first: it must not block the queue.
  outbox.enqueue('alarm', topicOf(id, 'samples'), Buffer.alloc(8000, 0x61));
  outbox.enqueue('event', topicOf(id, 'events'), eventBytes(id, 'small'));
  await link.start();
  await waitFor(() => outbox.depth === 0, 5000, 'both records settled');
  await waitFor(() => observer.on(topicOf(id, 'events')).length === 1, 3000, 'the small event');
  assert.deepEqual(observer.on(topicOf(id, 'samples')), []);
  const metrics = link.metrics();
  assert.equal(metrics.messagesRejected, 1);
  assert.equal(metrics.connects, 1, 'never disconnected for an oversized packet');
  assert.ok(log.lines.some((l) => l.level === 'warn' && /dropped/.test(l.msg)));
});
