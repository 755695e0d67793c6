/** Shared pieces of the link tests: fast-retry config, an observing MQTT client, payload makers. */
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { linkConfigSchema, type LinkConfig, type LinkConfigInput } from '../../src/agent/telemetry/link/schema.ts';
import type { StatusDetails } from '../../src/agent/telemetry/link/status.ts';
import type { Logger } from '../../src/log.ts';
import { deviceTopic, eventSchema, type EventPayload } from '../../src/protocol/index.ts';

/** Reconnects within tens of milliseconds, so a test does not sit through production backoff. */
export function linkConfig(url: string, overrides: Partial<LinkConfigInput> = {}): LinkConfig {
  return linkConfigSchema.parse({ url, reconnectMinMs: 50, reconnectMaxMs: 400, keepaliveS: 5, connectTimeoutMs: 3000, ...overrides });
}

export const testStatus = (): StatusDetails => ({
  agentVersion: '0.1.0-test',
  model: { name: 'lookout-int8', version: 3 },
  provider: 'cpu',
  group: 'default',
});

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function eventBytes(deviceId: string, id: string, priority: 'alarm' | 'event' = 'event'): Uint8Array {
  const event: EventPayload = eventSchema.parse({
    v: 1,
    deviceId,
    id,
    ts: Date.now(),
    kind: 'fired',
    priority,
    rule: 'gate',
    detections: [{ label: 'person', score: 0.9, box: [1, 2, 30, 40] }],
  });
  return Buffer.from(JSON.stringify(event));
}

export interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  readonly packet: IPublishPacket;
}

/** An MQTT client that records everything it receives on its filters. */
export class Observer {
  readonly messages: Received[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload, retain: packet.retain, packet });
    });
  }

  static async connect(url: string, filters: readonly string[], options: IClientOptions = {}): Promise<Observer> {
    const client = connect(url, { reconnectPeriod: 100, connectTimeout: 3000, ...options });
    const observer = new Observer(client);
    client.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => { resolve(); });
      client.once('error', reject);
    });
    if (filters.length > 0) await client.subscribeAsync([...filters], { qos: 1 });
    return observer;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  json(topic: string): unknown[] {
    return this.on(topic).map((m) => JSON.parse(m.payload.toString('utf8')) as unknown);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export const topicOf = deviceTopic;

/** Teardown steps that run last-registered-first (node:test runs `after` hooks in registration order). */
export function teardown(t: { after: (fn: () => Promise<void>) => void }): (step: () => unknown) => void {
  const steps: (() => unknown)[] = [];
  t.after(async () => {
    for (const step of steps.reverse()) await step();
  });
  return (step) => {
    steps.push(step);
  };
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

/** A Logger that keeps every line, to assert what was (and was not) logged. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (obj: object | string, msg?: string): void => {
    lines.push(typeof obj === 'string' ? { level, fields: {}, msg: obj } : { level, fields: obj as Record<string, unknown>, msg: msg ?? '' });
  };
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}
