import { runUntilStopped } from '../agent/run-process.ts';
import type { PublishedMessage } from '../agent/telemetry/embedded-broker.ts';
import { LookoutError } from '../errors.ts';
import { parseTopic } from '../protocol/index.ts';
import { createLogger } from '../util/create-logger.ts';
import { FleetDemo } from './demo-fleet.ts';
import { parseCommandArgs } from './detect.ts';
import { parseDuration } from './run.ts';

export const summary = 'the embedded default: broker, cloud service + dashboard, simulated agents (synthetic cameras, bundled model, simulated relays)';

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
    options: {
      duration: { type: 'string' },
      agents: { type: 'string' },
      port: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write([
      'usage: lookout demo [--duration SECONDS] [--agents 1-3] [--port PORT] [--verbose]',
      '',
      'Runs the whole system on this machine: an embedded MQTT broker, the cloud service with its dashboard',
      '(SQLite in a temporary folder) and simulated agents (synthetic camera, bundled model, simulated relays).',
      '--port: dashboard port (default 8080; 0 picks a free one). --verbose: print every MQTT message.',
      '',
    ].join('\n'));
    return 0;
  }
  const duration = parseDuration(values.duration);
  const agents = parseIntOption(values.agents, '--agents', 1, 3) ?? 3;
  const port = parseIntOption(values.port, '--port', 0, 65_535) ?? 8080;
  const logger = createLogger({ level: 'info', format: 'pretty' });
  const demo = new FleetDemo({
    agents,
    port,
    logger,
    ...(values.verbose === true && {
      onPublish: (m: PublishedMessage) => {
        const line = describePublished(m);
        if (line !== undefined) process.stdout.write(`  mqtt ← ${line}\n`);
      },
    }),
  });
  return runUntilStopped({
    start: async () => {
      await demo.start();
      const running = demo.running;
      if (running !== undefined) {
        process.stdout.write([
          '',
          `  dashboard: ${running.loginUrl}`,
          `  broker:    ${demo.brokerUrl} (subscribe to lookout/v1/# to watch)`,
          `  agents:    ${agents} simulated camera(s); Ctrl-C stops everything, outputs safe`,
          '  the loop:  open a device and press "Night" (Simulated scene): its confidence drops, a retraining job',
          '             starts (Models & jobs), the canary gate-1 gets the new model first, then the fleet',
          '',
        ].join('\n') + '\n');
      }
    },
    stop: () => demo.stop(),
    safeStateSync: () => { demo.safeStateSync(); },
  }, logger, duration === undefined ? {} : { durationMs: duration * 1000 });
}

function parseIntOption(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LookoutError('cli', 'BAD_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, got "${text}"`, { where: name });
  }
  return n;
}
