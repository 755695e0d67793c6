/**
 * A real agent process (`lookout run --config`, from source) under telemetry load: a synthetic camera and the
 * constant-output fixture model (a person and a car in every frame), two rules whose max-on cutoff and
 * cooldown make them fire and clear over and over (an alarm rule and an event rule), stats and a
 * sample every second. Outputs are simulated and journaled, so the test reads every transition.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../../../src/config/schema.ts';
import { systemClock } from '../../../src/agent/clock.ts';
import { Outbox } from '../../../src/agent/telemetry/outbox/outbox.ts';
import { silentLogger } from '../../../src/log.ts';
import { fixtureModel } from '../../detect/helpers/fixture-models.ts';
import type { Observer } from '../../link/helpers.ts';
import { root } from './cli.ts';

export const DEVICE = 'fault-1';

/** siren: fires after 2 frames, cut off after 400 ms, 300 ms cooldown. beacon: 700 ms on, 500 ms off. */
export function loadConfig(dir: string, brokerUrl: string, overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    device: { id: DEVICE },
    camera: { source: 'synthetic', width: 320, height: 240, fps: 20, seed: 1 },
    detector: { model: fixtureModel('v8-names'), providers: ['cpu'], threads: 1 },
    gpio: {
      backend: 'sim',
      simFile: join(dir, 'gpio.jsonl'),
      outputs: [{ name: 'siren', line: 17 }, { name: 'beacon', line: 27 }],
    },
    rules: [
      { name: 'person', classes: ['person'], framesToFire: 2, holdMs: 200, maxOnMs: 400, cooldownMs: 300, output: 'siren', priority: 'alarm' },
      { name: 'car', classes: ['car'], framesToFire: 2, holdMs: 200, maxOnMs: 700, cooldownMs: 500, output: 'beacon', priority: 'event' },
    ],
    stateDir: dir,
    timeZone: 'UTC',
    mqtt: { url: brokerUrl, keepaliveS: 5, connectTimeoutMs: 4000, reconnectMinMs: 200, reconnectMaxMs: 2000 },
    telemetry: {
      statsIntervalS: 1,
      outbox: { flushMs: 50 },
      samples: { auditRate: 1, minIntervalS: 1, maxLongSide: 160, bytesPerHour: 500_000_000 },
    },
    log: { level: 'info', format: 'json' },
    ...overrides,
  };
}

export interface AgentProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far (stdout and stderr), parsed. */
  logs(): { msg?: string; level?: number; [key: string]: unknown }[];
  /** What it printed that is not a JSON line (a stack trace, say). */
  other(): string;
}

export function startAgent(dir: string, config: ConfigInput, env: NodeJS.ProcessEnv = process.env): AgentProcess {
  const path = join(dir, 'config.json');
  // JSON is YAML: the real loader reads it.
  writeFileSync(path, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', '--config', path], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
  const lines = (): string[] => text.split('\n').filter((l) => l.trim() !== '');
  return {
    child,
    logs: () => lines().filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string; level?: number }),
    other: () => lines().filter((l) => !l.startsWith('{')).join('\n'),
  };
}

/** SIGTERM (the clean stop: in-flight records get a moment, `offline` is published) and the exit code. */
export async function stopAgent(agent: AgentProcess): Promise<number | null> {
  const { child } = agent;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export interface Transition {
  readonly output: string;
  readonly on: boolean;
  /** Monotonic ms in the agent. */
  readonly atMs: number;
}

/** The sim GPIO journal: every transition, the claim at start and the safe level at stop included. */
export function journal(dir: string): Transition[] {
  const path = join(dir, 'gpio.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Transition);
}

/** Switch-ons of one output (each one is a rule firing). */
export function switchOns(dir: string, output: string): Transition[] {
  const all = journal(dir).filter((t) => t.output === output);
  return all.filter((t, i) => t.on && i > 0 && all[i - 1]?.on === false);
}

export interface EventSeen {
  readonly id: string;
  readonly ts: number;
  readonly kind: 'fired' | 'cleared';
  readonly rule: string;
  readonly priority: 'alarm' | 'event';
  readonly glassToGpioMs?: number;
}

export interface StatsSeen {
  readonly ts: number;
  readonly intervalS: number;
  readonly fps: number;
  readonly frames: { processed: number };
  readonly outbox: { depth: number; dropped: number };
  readonly glassToGpioMs: Record<string, number | null>;
}

export const topic = (channel: string): string => `lookout/v1/dev/${DEVICE}/${channel}`;

export const eventsAt = (observer: Observer): EventSeen[] => observer.json(topic('events')) as EventSeen[];
export const statsAt = (observer: Observer): StatsSeen[] => observer.json(topic('stats')) as StatsSeen[];
export const samplesAt = (observer: Observer): { id: string; ts: number }[] => observer.json(topic('samples')) as { id: string; ts: number }[];

/** How many times each value occurs more than once. */
export function duplicates(values: readonly string[]): number {
  return values.length - new Set(values).size;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Pending {
  readonly topic: string;
  readonly priority: string;
  readonly body: { id?: string; kind?: string; rule?: string; ts?: number };
}

/** What the agent's outbox still holds after it exited (reopened as the next start would). */
export async function pendingInOutbox(dir: string): Promise<Pending[]> {
  const outbox = new Outbox({ dir: join(dir, 'outbox') }, { clock: systemClock, logger: silentLogger });
  await outbox.open();
  try {
    return outbox.next(1_000_000).map((r) => ({
      topic: r.topic,
      priority: r.priority,
      body: JSON.parse(Buffer.from(r.payload).toString('utf8')) as Pending['body'],
    }));
  } finally {
    await outbox.close();
  }
}
