/**
 * Telemetry: bytes per second a device sends at the default settings (measured on a real agent against an
 * embedded broker, and the steady-state estimate from the byte budget), against streaming 720p video at
 * 2 Mbit/s; and the outbox's write and drain rates.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/main.ts';
import { demoConfig } from '../../src/agent/demo-config.ts';
import { EmbeddedBroker } from '../../src/agent/telemetry/embedded-broker.ts';
import { benchOutbox } from '../../src/agent/telemetry/outbox/bench.ts';
import { estimateTelemetryBytesPerSecond } from '../../src/agent/telemetry/stats/telemetry-bandwidth.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

/** 2 Mbit/s: a typical H.264 720p stream, what a camera that streams to the cloud would send. */
const VIDEO_BYTES_PER_S = 2_000_000 / 8;
/** MQTT PUBLISH overhead per message: fixed header, length, topic length, packet id (QoS 1). */
const MQTT_OVERHEAD = 2 + 2 + 2 + 2;

export async function benchTelemetry(report: Report, model: string, seconds: number): Promise<void> {
  const section = 'telemetry';
  let bytes = 0;
  let messages = 0;
  let counting = false;
  const broker = new EmbeddedBroker({
    onPublish: (m) => {
      if (!counting) return;
      bytes += Buffer.byteLength(m.topic) + m.payload.length + MQTT_OVERHEAD;
      messages++;
    },
  });
  await broker.start();
  const agent = new Agent({
    config: parseConfig({ ...demoConfig, log: { level: 'error', format: 'json' }, detector: { model }, stateDir: mkdtempSync(join(tmpdir(), 'lookout-bench-')), mqtt: { url: broker.url } }),
    logger: silentLogger,
  });
  try {
    await agent.start();
    await new Promise((r) => setTimeout(r, 3000));
    counting = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    counting = false;
  } finally {
    await agent.stop();
    await broker.stop();
  }
  const measured = bytes / seconds;
  const estimate = estimateTelemetryBytesPerSecond();
  report.add({ section, name: `bytes/s measured, default settings, ${seconds} s`, unit: 'B/s', summary: summarize([measured]), note: `${messages} messages; includes the first burst of samples (the hourly budget starts full)` });
  report.add({ section, name: 'bytes/s steady state (sample budget spent)', unit: 'B/s', summary: summarize([estimate.bytesPerSecond]), note: `stats ${estimate.stats.bytesPerSecond.toFixed(0)}, events ${estimate.events.bytesPerSecond.toFixed(0)}, samples ${estimate.samples.bytesPerSecond.toFixed(0)}` });
  report.ratio({ section, name: 'steady-state bytes/s against 2 KB/s', value: estimate.bytesPerSecond / 2048, target: '≤ 1', met: estimate.bytesPerSecond <= 2048 });
  report.ratio({ section, name: 'saving over 720p video at 2 Mbit/s (×)', value: VIDEO_BYTES_PER_S / estimate.bytesPerSecond, target: '≥ 100', met: VIDEO_BYTES_PER_S / estimate.bytesPerSecond >= 100 });

  const written: number[] = [];
  const drained: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await benchOutbox(mkdtempSync(join(tmpdir(), 'lookout-outbox-bench-')), 20_000);
    written.push(r.writtenPerS);
    drained.push(r.drainedPerS);
  }
  report.add({ section, name: 'outbox written (enqueue + group commit, 300 B)', unit: 'rec/s', summary: summarize(written), note: 'batches of 250, one fdatasync each' });
  report.add({ section, name: 'outbox drained (next + ack)', unit: 'rec/s', summary: summarize(drained) });
}
