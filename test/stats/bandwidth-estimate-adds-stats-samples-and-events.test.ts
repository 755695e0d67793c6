import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventSchema, sampleSchema, statsSchema } from '../../src/protocol/index.ts';
import { samplesConfigSchema } from '../../src/agent/telemetry/samples/schema.ts';
import {
  bytesPerSecond,
  estimateTelemetryBytesPerSecond,
  exampleEventPayload,
  exampleSamplePayload,
  exampleStatsPayload,
  mqttPublishBytes,
} from '../../src/agent/telemetry/stats/telemetry-bandwidth.ts';

const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));

test('with the config defaults the uplink carries stats every 10 s, 12 events an hour and 2 MB of samples an hour', () => {
  const e = estimateTelemetryBytesPerSecond();
  const stats = exampleStatsPayload('lookout-dev', ['person', 'car', 'dog'], 10);
  const event = exampleEventPayload('lookout-dev', 2);
  const sample = exampleSamplePayload('lookout-dev', 45_000, 3);
  // The examples are real protocol messages.
  statsSchema.parse(stats);
  eventSchema.parse(event);
  sampleSchema.parse(sample);

  // QoS 1 PUBLISH: 1 fixed header byte, a 2-byte remaining length for these sizes, 2 + topic, 2 packet id, 1 properties length.
  const topicBytes = 'lookout/v1/dev/lookout-dev/'.length;
  assert.equal(e.stats.messageBytes, 1 + 2 + 2 + topicBytes + 'stats'.length + 2 + 1 + jsonBytes(stats));
  assert.ok(Math.abs(e.stats.bytesPerSecond - e.stats.messageBytes / 10) < 1e-9);
  assert.equal(e.events.messageBytes, 1 + 2 + 2 + topicBytes + 'events'.length + 2 + 1 + jsonBytes(event));
  assert.ok(Math.abs(e.events.bytesPerSecond - (e.events.messageBytes * 12) / 3600) < 1e-9);
  // A 45 kB JPEG is 60 kB of base64: the remaining length takes 3 bytes.
  assert.equal(e.samples.messageBytes, 1 + 3 + 2 + topicBytes + 'samples'.length + 2 + 1 + jsonBytes(sample));

  // Spacing alone would allow one 60 kB sample every 10 s (6 kB/s): the 2 MB/h budget binds.
  assert.equal(e.samples.budgetBound, true);
  const budgetRate = 2_000_000 / 3600 / jsonBytes(sample);
  assert.ok(Math.abs(e.samples.messagesPerSecond - budgetRate) < 1e-12);
  assert.ok(Math.abs(e.samples.bytesPerSecond - budgetRate * e.samples.messageBytes) < 1e-9);
  assert.ok(Math.abs(e.bytesPerSecond - (e.stats.bytesPerSecond + e.events.bytesPerSecond + e.samples.bytesPerSecond)) < 1e-9);
  // Samples dominate: about 556 B/s of budget plus framing, stats and events add under 100 B/s.
  assert.ok(e.samples.bytesPerSecond > 555 && e.samples.bytesPerSecond < 560, String(e.samples.bytesPerSecond));
  assert.ok(e.bytesPerSecond > 600 && e.bytesPerSecond < 700, String(e.bytesPerSecond));
  assert.equal(bytesPerSecond(), e.bytesPerSecond);
});

test('a budget larger than the spacing allows leaves the spacing in charge; disabled samples cost nothing', () => {
  const generous = estimateTelemetryBytesPerSecond({ samples: samplesConfigSchema.parse({ bytesPerHour: 1_000_000_000, minIntervalS: 30 }) });
  assert.equal(generous.samples.budgetBound, false);
  // One every 30 s, plus a rule sample for each of the 6 firings an hour.
  assert.ok(Math.abs(generous.samples.messagesPerSecond - (1 / 30 + 6 / 3600)) < 1e-12);

  const off = estimateTelemetryBytesPerSecond({ samples: samplesConfigSchema.parse({ enabled: false }) });
  assert.equal(off.samples.bytesPerSecond, 0);
  assert.equal(off.bytesPerSecond, off.stats.bytesPerSecond + off.events.bytesPerSecond);
  assert.equal(mqttPublishBytes('t', 0), 1 + 1 + 2 + 1 + 2 + 1);
  assert.equal(mqttPublishBytes('t', 200), 1 + 2 + 2 + 1 + 2 + 1 + 200);
});
