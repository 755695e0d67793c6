import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../src/config/schema.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';

const root = new URL('../../', import.meta.url).pathname;

export interface Transition {
  output: string;
  on: boolean;
  level: 0 | 1;
  atMs: number;
}

/** A config for the tests: synthetic camera, the constant-output fixture model (a person and a car in every
 * frame), two simulated relays journaled to a file. */
export function testConfig(dir: string, overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    device: { id: 'test-1' },
    camera: { source: 'synthetic', width: 320, height: 240, fps: 20, seed: 1 },
    detector: { model: fixtureModel('v8-names'), providers: ['cpu'], threads: 1 },
    gpio: {
      backend: 'sim',
      simFile: join(dir, 'gpio.jsonl'),
      outputs: [
        { name: 'siren', line: 17, activeLow: true },
        { name: 'lock', line: 27, safe: 'on', initial: 'on' },
      ],
    },
    rules: [{ name: 'person', classes: ['person'], framesToFire: 2, holdMs: 60_000, maxOnMs: 120_000, output: 'siren' }],
    log: { level: 'warn', format: 'json' },
    ...overrides,
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lookout-agent-'));
}

export function startAgentChild(config: ConfigInput, dir: string, mode: 'run' | 'throw' | 'reject', env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/agent/agent-child.ts'), path, mode], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function waitForLine(child: ChildProcess, line: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      reject(new Error(`no "${line}" within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!out.split('\n').includes(line)) reject(new Error(`exited ${code} before "${line}"; stderr: ${err}`));
    });
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => { resolve({ code, signal }); }));
}

export function journal(dir: string): Transition[] {
  const path = join(dir, 'gpio.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Transition);
}

/** The last recorded logical state of each output. */
export function finalStates(dir: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const t of journal(dir)) out[t.output] = t.on;
  return out;
}
