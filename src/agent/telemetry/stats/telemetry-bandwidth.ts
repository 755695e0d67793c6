/**
 * What the device's telemetry costs on the uplink, estimated from the config: stats every interval, samples
 * (bounded by the sample spacing and the hourly byte budget, whichever binds), and a typical rate of rule
 * events. Each message counts its JSON and the MQTT 5 PUBLISH framing at QoS 1 (fixed header, remaining
 * length, topic, packet identifier, empty properties: MQTT 5.0 §3.3); TCP/TLS framing and the broker's
 * PUBACKs are left out. The bench measures the real figure on a broker; this says what to expect.
 */
import { deviceTopic, type DeviceChannel, type EventPayload, type SamplePayload, type StatsPayload } from '../../../protocol/index.ts';
import { samplesConfigSchema, type SamplesConfig } from '../samples/schema.ts';
import { statsIntervalSchema } from './schema.ts';

export interface BandwidthAssumptions {
  readonly deviceId: string;
  readonly statsIntervalS: number;
  readonly samples: SamplesConfig;
  /** Classes detected in a typical interval (each adds a confidence summary to the stats). */
  readonly labels: readonly string[];
  /** Rule events per hour, fired and cleared together. Each firing also asks for a rule sample. */
  readonly eventsPerHour: number;
  readonly detectionsPerEvent: number;
  /** A sample's JPEG: about 45 kB for a 640x480 camera scene at quality 80. */
  readonly sampleJpegBytes: number;
  readonly predictionsPerSample: number;
}

export interface ChannelEstimate {
  /** One message on the wire: JSON plus MQTT framing. */
  readonly messageBytes: number;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
}

export interface BandwidthEstimate {
  readonly stats: ChannelEstimate;
  readonly events: ChannelEstimate;
  /** `budgetBound`: the hourly byte budget, not the spacing, limits the sample rate. */
  readonly samples: ChannelEstimate & { readonly budgetBound: boolean };
  readonly bytesPerSecond: number;
}

export function defaultBandwidthAssumptions(): BandwidthAssumptions {
  return {
    deviceId: 'lookout-dev',
    statsIntervalS: statsIntervalSchema.parse(undefined),
    samples: samplesConfigSchema.parse({}),
    labels: ['person', 'car', 'dog'],
    eventsPerHour: 12,
    detectionsPerEvent: 2,
    sampleJpegBytes: 45_000,
    predictionsPerSample: 3,
  };
}

/** MQTT variable byte integer length (MQTT 5.0 §1.5.5). */
function varintBytes(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** A QoS 1 PUBLISH without properties: fixed header, remaining length, topic, packet id, properties length. */
export function mqttPublishBytes(topic: string, payloadBytes: number): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + 1 + payloadBytes;
  return 1 + varintBytes(remaining) + remaining;
}

const TS = 1_767_225_600_000;
const MODEL = { name: 'lookout-int8', version: 12, sha256: 'a'.repeat(64) };

/** A stats message with typical magnitudes (the digits are what the size depends on). */
export function exampleStatsPayload(deviceId: string, labels: readonly string[], intervalS: number): StatsPayload {
  const classes: StatsPayload['classes'] = {};
  for (const label of labels) classes[label] = { count: 57, meanScore: 0.7134, hist: [0, 0, 3, 5, 6, 8, 11, 12, 9, 3] };
  return {
    v: 1,
    deviceId,
    ts: TS,
    intervalS,
    fps: 14.87,
    frames: { captured: 150, processed: 148, dropped: 2 },
    inferenceMs: { p50: 41.27, p95: 48.93, p99: 55.18, count: 148 },
    glassToGpioMs: { p50: 78.41, p95: 91.36, p99: 104.72, count: 3 },
    cpuTempC: 61.3,
    throttled: 0,
    memory: { rssMb: 187.4, heapMb: 42.7 },
    outbox: { depth: 0, bytes: 0, dropped: 0 },
    provider: 'cpu',
    model: MODEL,
    classes,
  };
}

function exampleDetections(n: number): EventPayload['detections'] {
  return Array.from({ length: n }, (_, i) => ({ label: 'person', score: 0.8731, box: [112.43 + i, 87.12, 263.78, 401.55] as [number, number, number, number] }));
}

export function exampleEventPayload(deviceId: string, detections: number): EventPayload {
  return {
    v: 1,
    deviceId,
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    ts: TS,
    kind: 'fired',
    priority: 'event',
    rule: 'person-at-door',
    output: 'relay',
    detections: exampleDetections(detections),
    frame: { width: 640, height: 480 },
    glassToGpioMs: 78.41,
    sampleId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  };
}

/** A sample message around a JPEG of `jpegBytes` (the base64 text is what dominates it). */
export function exampleSamplePayload(deviceId: string, jpegBytes: number, predictions: number): SamplePayload {
  return {
    v: 1,
    deviceId,
    id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    ts: TS,
    reason: 'uncertain',
    width: 640,
    height: 480,
    jpeg: Buffer.alloc(jpegBytes, 0x5a).toString('base64'),
    predictions: exampleDetections(predictions),
    model: MODEL,
  };
}

function channel(deviceId: string, name: DeviceChannel, payload: object, perSecond: number): ChannelEstimate & { jsonBytes: number } {
  const jsonBytes = Buffer.byteLength(JSON.stringify(payload));
  const messageBytes = mqttPublishBytes(deviceTopic(deviceId, name), jsonBytes);
  return { jsonBytes, messageBytes, messagesPerSecond: perSecond, bytesPerSecond: messageBytes * perSecond };
}

/** Uplink bytes per second for the given assumptions (config defaults where not given). */
export function estimateTelemetryBytesPerSecond(overrides: Partial<BandwidthAssumptions> = {}): BandwidthEstimate {
  const a = { ...defaultBandwidthAssumptions(), ...overrides };
  const stats = channel(a.deviceId, 'stats', exampleStatsPayload(a.deviceId, a.labels, a.statsIntervalS), 1 / a.statsIntervalS);
  const events = channel(a.deviceId, 'events', exampleEventPayload(a.deviceId, a.detectionsPerEvent), a.eventsPerHour / 3600);

  const sampleMessage = channel(a.deviceId, 'samples', exampleSamplePayload(a.deviceId, a.sampleJpegBytes, a.predictionsPerSample), 0);
  // Worst case for the policy: a sample as soon as the spacing allows, plus one per rule firing (half the events).
  const spacingRate = a.samples.minIntervalS > 0 ? 1 / a.samples.minIntervalS : Number.POSITIVE_INFINITY;
  const policyRate = a.samples.enabled ? spacingRate + a.eventsPerHour / 2 / 3600 : 0;
  // The budget counts each sample's JSON bytes.
  const budgetRate = a.samples.bytesPerHour / 3600 / sampleMessage.jsonBytes;
  const sampleRate = Math.min(policyRate, budgetRate);
  const samples = {
    messageBytes: sampleMessage.messageBytes,
    messagesPerSecond: sampleRate,
    bytesPerSecond: sampleMessage.messageBytes * sampleRate,
    budgetBound: a.samples.enabled && budgetRate < policyRate,
  };
  return {
    stats: { messageBytes: stats.messageBytes, messagesPerSecond: stats.messagesPerSecond, bytesPerSecond: stats.bytesPerSecond },
    events: { messageBytes: events.messageBytes, messagesPerSecond: events.messagesPerSecond, bytesPerSecond: events.bytesPerSecond },
    samples,
    bytesPerSecond: stats.bytesPerSecond + events.bytesPerSecond + samples.bytesPerSecond,
  };
}

/** The total of `estimateTelemetryBytesPerSecond`: uplink bytes per second of stats, samples and events. */
export function bytesPerSecond(overrides: Partial<BandwidthAssumptions> = {}): number {
  return estimateTelemetryBytesPerSecond(overrides).bytesPerSecond;
}
