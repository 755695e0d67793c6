import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, processEnv } from '../config/load.ts';
import { demoConfig } from '../agent/demo-config.ts';
import { EmbeddedBroker, type PublishedMessage } from '../agent/telemetry/embedded-broker.ts';
import { parseTopic } from '../protocol/index.ts';
import { parseCommandArgs } from './detect.ts';
import { parseDuration, runAgentFromConfig } from './run.ts';

export const summary = 'the embedded default: synthetic camera, bundled model, simulated relays, in-process MQTT broker';

/** One line about a message the agent published, for a person watching the demo. */
export function describePublished(m: PublishedMessage): string | undefined {
  const topic = parseTopic(m.topic);
  if (topic?.kind !== 'device') return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `${m.topic} (${m.payload.length} bytes, not JSON)`;
  }
  const g = body.glassToGpioMs as { p95?: number } | number | undefined;
  switch (topic.channel) {
    case 'status':
      return `status ${String(body.state)}${m.retain ? ' (retained)' : ''}`;
    case 'state':
      return `state ${JSON.stringify(body.outputs)}`;
    case 'events':
      return `event ${String(body.priority)} ${String(body.kind)} ${String(body.rule)}${typeof g === 'number' ? ` glass-to-GPIO ${g} ms` : ''}`;
    case 'stats':
      return `stats fps ${String(body.fps)} glass-to-GPIO p95 ${typeof g === 'object' ? String(g.p95) : '-'} ms, outbox depth ${String((body.outbox as { depth?: number } | undefined)?.depth)}`;
    case 'samples':
      return `sample ${String(body.reason)} ${String(body.width)}×${String(body.height)} (${m.payload.length} bytes)`;
    case 'update':
    case 'reply':
    case 'cmd':
      return `${topic.channel} ${m.payload.length} bytes`;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write('usage: lookout demo [--duration SECONDS]\n');
    return 0;
  }
  const duration = parseDuration(values.duration);
  const broker = new EmbeddedBroker({
    onPublish: (m) => {
      const line = describePublished(m);
      if (line !== undefined) process.stdout.write(`  mqtt ← ${line}\n`);
    },
  });
  await broker.start();
  try {
    process.stdout.write(`embedded MQTT broker on ${broker.url} (subscribe to lookout/v1/# to watch)\n`);
    const stateDir = mkdtempSync(join(tmpdir(), 'lookout-demo-'));
    const config = parseConfig({ ...demoConfig, stateDir, mqtt: { url: broker.url, protocol: 'auto' } }, '(demo config)', processEnv());
    return await runAgentFromConfig(config, duration);
  } finally {
    await broker.stop();
  }
}
