/**
 * Runs a TelemetryLink in its own process for the last-will test. argv: broker URL, device id, outbox
 * directory (the parent removes it). Prints "up" once connected, then idles until killed.
 */
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { Outbox } from '../../src/agent/telemetry/outbox/outbox.ts';
import { systemClock } from '../../src/agent/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { linkConfig, testStatus } from './helpers.ts';

const [url, deviceId, dir] = process.argv.slice(2);
if (url === undefined || deviceId === undefined || dir === undefined) throw new Error('usage: run-link-child.ts <url> <device-id> <outbox-dir>');
const outbox = new Outbox({ dir }, { clock: systemClock, logger: silentLogger });
await outbox.open();
const link = new TelemetryLink({ config: linkConfig(url), deviceId, outbox, status: testStatus });
link.onConnectionChange((connected) => {
  if (connected) process.stdout.write('up\n');
});
await link.start();
setInterval(() => undefined, 60_000);
