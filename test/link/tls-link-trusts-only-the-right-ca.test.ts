import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { eventBytes, linkConfig, recordingLogger, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

test('over TLS, the right CA and a client certificate connect; a wrong CA is refused and retried without a crash', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start({ tlsClients: ['dev-good', 'dev-wrong-ca'], acl: 'pattern readwrite lookout/v1/dev/%u/#\n' });
  cleanup(() => broker.dispose());
  const pki = broker.pki!;

  const outbox = await TrackedOutbox.openFor(cleanup);
  const good = new TelemetryLink({
    config: linkConfig(broker.url, { tls: { ca: pki.ca, cert: pki.clients['dev-good']!.cert, key: pki.clients['dev-good']!.key } }),
    deviceId: 'dev-good',
    outbox,
    status: testStatus,
  });
  cleanup(() => good.stop());
  await good.start();
  await waitFor(() => good.connected, 5000, 'the TLS link to connect');
  outbox.enqueue('event', topicOf('dev-good', 'events'), eventBytes('dev-good', 'e1'));
  await waitFor(() => outbox.acked.length === 1, 3000, 'the PUBACK over TLS');

  const log = recordingLogger();
  const wrong = new TelemetryLink({
    config: linkConfig(broker.url, {
      tls: { ca: pki.wrongCa, cert: pki.clients['dev-wrong-ca']!.cert, key: pki.clients['dev-wrong-ca']!.key },
      reconnectMinMs: 50,
      reconnectMaxMs: 100,
    }),
    deviceId: 'dev-wrong-ca',
    outbox: await TrackedOutbox.openFor(cleanup),
    status: testStatus,
    logger: log,
  });
  cleanup(() => wrong.stop());
  await wrong.start();
  await waitFor(() => wrong.metrics().connectFailures >= 4, 5000, 'several refused attempts');
  assert.equal(wrong.connected, false);
  assert.equal(wrong.metrics().connects, 0);
  const warnings = log.lines.filter((l) => l.level === 'warn');
  assert.equal(warnings.length, 1, 'the same TLS failure is logged once, not per attempt');
  assert.equal(warnings[0]!.fields.kind, 'tls');
  // The good link was never disturbed.
  assert.equal(good.connected, true);
});
