/**
 * Runs test/faults/support/agent-child.ts as a real agent process and collects what it reports. With `tmpfs`,
 * the process gets its own mount namespace (unshare(1) -m, private propagation by default) with a small tmpfs
 * over one folder: a disk that fills up for that process alone. Other processes reach that tmpfs through
 * /proc/<pid>/root (proc(5)), which resolves paths in the process's own mount namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../../../src/config/schema.ts';
import type { InstalledModel } from '../../../src/agent/update/model-store.ts';

const root = new URL('../../../', import.meta.url).pathname;
const CHILD = join(root, 'test/faults/support/agent-child.ts');

export type ChildEvent =
  | { readonly ev: 'frame'; readonly seq: number; readonly journal: number; readonly model: InstalledModel | null; readonly path: string | null }
  | { readonly ev: 'actuation'; readonly output: string; readonly on: boolean }
  | { readonly ev: 'rule'; readonly kind: string; readonly rule: string };

export interface TmpfsMount {
  /** The folder the tmpfs covers (created if missing). */
  readonly dir: string;
  /** tmpfs `size=` option: `512k`, `2m`. */
  readonly size: string;
}

/** Why a test that needs its own mount namespace cannot run here, or undefined when it can. */
export function whyNoMountNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: a private tmpfs takes unshare -m and mount';
  return undefined;
}

export class AgentProcess {
  readonly events: ChildEvent[] = [];
  private out = '';
  private err = '';
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString('utf8');
      const lines = this.out.split('\n');
      this.out = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as ChildEvent);
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.err += d.toString('utf8');
    });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => { resolve({ code, signal }); }));
  }

  /** Writes the config beside `dir`/`name`.json and starts the agent (inside its own tmpfs when asked). */
  static start(config: ConfigInput, dir: string, o: { readonly name?: string; readonly tmpfs?: TmpfsMount } = {}): AgentProcess {
    const configPath = join(dir, `${o.name ?? 'agent'}.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const node = [process.execPath, '--import', 'tsx', CHILD, configPath];
    const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
    if (o.tmpfs === undefined) return new AgentProcess(spawn(node[0]!, node.slice(1), { cwd: root, stdio }));
    mkdirSync(o.tmpfs.dir, { recursive: true });
    // `exec` keeps one pid from unshare through sh to node, so /proc/<pid>/root is the agent's namespace.
    const script = 'mount -t tmpfs -o "size=$1" tmpfs "$2" && shift 2 && exec "$@"';
    return new AgentProcess(spawn('unshare', ['-m', 'sh', '-c', script, 'sh', o.tmpfs.size, o.tmpfs.dir, ...node], { cwd: root, stdio }));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the agent process did not start');
    return this.child.pid;
  }

  /** `path` as the agent process sees it (inside its mount namespace). */
  seen(path: string): string {
    return join(`/proc/${this.pid}/root`, path);
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first event (from index `from`) that `match` accepts; rejects on timeout or exit. */
  async waitForEvent(match: (e: ChildEvent) => boolean, timeoutMs: number, what: string, from = 0): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`the agent exited before ${what}; stderr: ${this.err.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; stderr: ${this.err.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The first processed frame's report. */
  async firstFrame(timeoutMs = 20_000): Promise<Extract<ChildEvent, { ev: 'frame' }>> {
    return (await this.waitForEvent((e) => e.ev === 'frame', timeoutMs, 'a processed frame')) as Extract<ChildEvent, { ev: 'frame' }>;
  }

  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exit;
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exit;
  }

  /** Log records (pino JSON on stderr) whose message matches `pattern`. */
  logs(pattern: RegExp): Record<string, unknown>[] {
    return this.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => typeof r.msg === 'string' && pattern.test(r.msg));
  }
}
