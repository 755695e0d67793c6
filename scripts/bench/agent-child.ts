/**
 * The agent as a child process, for the benchmarks that watch it from outside (memory over time, cold start):
 * which entry runs it, its config file, its stdout lines stamped as they arrive, its memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { ConfigInput } from '../../src/config/schema.ts';

export const root = new URL('../../', import.meta.url).pathname;
export const bundlePath = join(root, 'dist', 'lookout.mjs');

export interface AgentEntry {
  /** Node's arguments before the command name. */
  readonly args: readonly string[];
  /** Which entry it is, for the rows' notes. */
  readonly label: string;
}

/** The bundle, what a device runs; the TypeScript entry through tsx when the bundle is absent. */
export function agentEntry(): AgentEntry {
  if (existsSync(bundlePath)) return { args: [bundlePath], label: 'bundle dist/lookout.mjs' };
  return { args: ['--import', 'tsx', join(root, 'src', 'cli.ts')], label: 'tsx src/cli.ts (no bundle built)' };
}

/** Writes `config` as the YAML file `lookout run --config` reads. */
export function writeAgentConfig(dir: string, name: string, config: ConfigInput): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

/** The fields of the agent's JSON log lines (pino) that the benchmarks read. */
const logLineSchema = z.looseObject({ time: z.number(), msg: z.string(), module: z.string().optional() });
export type AgentLogLine = z.infer<typeof logLineSchema>;

/** One JSON log line of the agent, or undefined for any other line (a stray print, a pretty-format line). */
export function parseLogLine(text: string): AgentLogLine | undefined {
  if (!text.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = logLineSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export interface StampedLine {
  /** performance.now() when the line arrived. */
  readonly at: number;
  /** The agent logs to stderr (pino); command results go to stdout. */
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  readonly at: number;
}

export interface WatchedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() just before spawn(). */
  readonly spawnedAt: number;
  readonly exited: Promise<Exit>;
  /** Resolves with the first line of either stream (from now on) that `match` accepts; rejects on exit or timeout. */
  waitForLine(match: (line: StampedLine) => boolean, timeoutMs: number, what: string): Promise<StampedLine>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. */
  stop(graceMs: number): Promise<Exit>;
  /** The last lines of stderr, for error messages. */
  stderrTail(): string;
}

const STDERR_LINES = 20;

/**
 * Spawns `node ...args` with stdout and stderr read line by line (each line stamped on arrival and handed to
 * `onLine`) and the tail of stderr kept. Both are always drained, so a chatty child never blocks on a full pipe.
 */
export function spawnWatched(args: readonly string[], options: { onLine?: (line: StampedLine) => void; cwd?: string } = {}): WatchedChild {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...args], { cwd: options.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${process.execPath} ${args.join(' ')}`);
  const waiters = new Set<(line: StampedLine) => void>();
  const stderr: string[] = [];
  const onLine = (stream: StampedLine['stream']) => (text: string): void => {
    const line = { at: performance.now(), stream, text };
    if (stream === 'stderr') {
      stderr.push(text);
      if (stderr.length > STDERR_LINES) stderr.shift();
    }
    options.onLine?.(line);
    for (const w of waiters) w(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine('stdout'));
  createInterface({ input: child.stderr }).on('line', onLine('stderr'));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      resolve({ code, signal, at: performance.now() });
    });
  });
  // Waiters give up on 'close' (stdio drained), not 'exit': a line printed just before exiting still counts.
  const closed = new Promise<void>((resolve) => child.once('close', () => {
    resolve();
  }));
  const stderrTail = (): string => stderr.join('\n');
  return {
    child,
    pid,
    spawnedAt,
    exited,
    stderrTail,
    waitForLine: (match, timeoutMs, what) =>
      new Promise<StampedLine>((resolve, reject) => {
        const done = (): void => {
          waiters.delete(waiter);
          clearTimeout(timer);
        };
        const waiter = (line: StampedLine): void => {
          if (!match(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${what} from pid ${pid} within ${timeoutMs} ms\n${stderrTail()}`));
        }, timeoutMs);
        waiters.add(waiter);
        Promise.all([exited, closed]).then(
          ([e]) => {
            done();
            reject(new Error(`pid ${pid} exited (code ${e.code}, signal ${e.signal ?? 'none'}) before its ${what}\n${stderrTail()}`));
          },
          (e: unknown) => {
            done();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      }),
    stop: async (graceMs) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface ProcMemory {
  /** Resident set size now (VmRSS), MiB. */
  readonly rssMb: number;
  /** Peak resident set size so far (VmHWM), MiB. */
  readonly hwmMb: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status (proc(5)); undefined once the process is gone. */
export function readProcMemory(pid: number): ProcMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  // A process that has exited but is not yet reaped (a zombie) has no Vm* lines.
  const rss = statusKb(text, 'VmRSS');
  const hwm = statusKb(text, 'VmHWM');
  return rss === undefined || hwm === undefined ? undefined : { rssMb: rss / 1024, hwmMb: hwm / 1024 };
}

function statusKb(text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
