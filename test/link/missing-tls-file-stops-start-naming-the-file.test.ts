import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { LookoutError } from '../../src/errors.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { linkConfig, teardown, testStatus } from './helpers.ts';

test('a TLS file that cannot be read fails start() with TLS_FILE_UNREADABLE naming the file; a bad device id too', async (t) => {
  const cleanup = teardown(t);
  const missing = '/nonexistent/lookout/client.key';
  const link = new TelemetryLink({
    config: linkConfig('mqtts://127.0.0.1:8883', { tls: { cert: '/dev/null', key: missing } }),
    deviceId: 'dev-tls-file',
    outbox: await TrackedOutbox.openFor(cleanup),
    status: testStatus,
  });
  await assert.rejects(link.start(), (e: unknown) => e instanceof LookoutError && e.code === 'TLS_FILE_UNREADABLE' && e.where === missing && e.subsystem === 'mqtt');
  assert.equal(link.connected, false);

  const badId = new TelemetryLink({ config: linkConfig('mqtt://127.0.0.1:1'), deviceId: 'a/b', outbox: await TrackedOutbox.openFor(cleanup), status: testStatus });
  await assert.rejects(badId.start(), (e: unknown) => e instanceof LookoutError && e.code === 'BAD_DEVICE_ID' && e.where === 'device.id');
});
