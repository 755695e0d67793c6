import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, eventBytes, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

const ACL = ['pattern readwrite lookout/v1/dev/%u/#', '', 'user observer', 'topic read lookout/#', ''].join('\n');

test('with per-device ACLs, a device publishing on another device\'s topic is not delivered and the record is dropped', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start({ tlsClients: ['dev-a', 'observer'], acl: ACL });
  cleanup(() => broker.dispose());
  const pki = broker.pki!;
  const observer = await Observer.connect(broker.url, ['lookout/v1/dev/#'], {
    protocolVersion: 5,
    ca: readFileSync(pki.ca),
    cert: readFileSync(pki.clients.observer!.cert),
    key: readFileSync(pki.clients.observer!.key),
  });
  cleanup(() => observer.close());

  const outbox = await TrackedOutbox.openFor(cleanup);
  const link = new TelemetryLink({
    config: linkConfig(broker.url, { tls: { ca: pki.ca, cert: pki.clients['dev-a']!.cert, key: pki.clients['dev-a']!.key } }),
    deviceId: 'dev-a',
    outbox,
    status: testStatus,
  });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');

  outbox.enqueue('event', topicOf('dev-b', 'events'), eventBytes('dev-b', 'forged'));
  outbox.enqueue('event', topicOf('dev-a', 'events'), eventBytes('dev-a', 'own'));
  await waitFor(() => outbox.depth === 0, 3000, 'both records settled');
  await waitFor(() => observer.on(topicOf('dev-a', 'events')).length === 1, 3000, 'the device\'s own event');
  // Give a forged message every chance to show up after the legitimate one.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(observer.on(topicOf('dev-b', 'events')), []);
  const metrics = link.metrics();
  // mosquitto answers an MQTT 5 publish the ACL denies with PUBACK 0x87 (not authorized): dropped, counted.
  assert.equal(metrics.messagesRejected, 1);
  assert.equal(metrics.messagesAcked, 1);
  assert.equal(link.connected, true, 'a refused publish does not cost the connection');
});
