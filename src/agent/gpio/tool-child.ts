/**
 * A long-lived tool process (gpioset holding lines): its output, its exit, and a stop that escalates from
 * SIGTERM to SIGKILL. Waiters are rejected with the tool's own stderr when it exits early.
 */
import type { ChildProcess } from 'node:child_process';
import { LookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { spawnFailure, toolFailure, type SpawnFn } from './tool-process.ts';

const MAX_STDERR = 16 * 1024;

interface Waiter {
  readonly test: (stdout: string) => number | null;
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class ToolChild {
  readonly process: ChildProcess;
  private stdout = '';
  private stderr = '';
  private failure: LookoutError | null = null;
  private waiter: Waiter | null = null;
  private readonly exit: Promise<void>;
  private exited = false;
  private readonly command: string;

  private constructor(process: ChildProcess, command: string, args: readonly string[], logger: Logger) {
    this.process = process;
    this.command = command;
    process.stdout?.setEncoding('utf8');
    process.stderr?.setEncoding('utf8');
    process.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.check();
    });
    process.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < MAX_STDERR) this.stderr += chunk;
    });
    // A write to a tool that just died fails with EPIPE; the exit handler reports the real cause.
    process.stdin?.on('error', (error) => {
      logger.debug({ err: error, command }, 'gpio: write to tool stdin failed');
    });
    this.exit = new Promise((resolve) => {
      process.once('error', (error) => {
        this.exited = true;
        this.fail(spawnFailure(command, error));
        resolve();
      });
      process.once('close', (code, signal) => {
        this.exited = true;
        this.fail(toolFailure(command, args, { code, signal, stderr: this.stderr }));
        resolve();
      });
    });
  }

  static start(spawn: SpawnFn, command: string, args: readonly string[], logger: Logger): ToolChild {
    return new ToolChild(spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] }), command, args, logger);
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /**
   * Resolves with the stdout text before the first match of `marker` (consumed with it); rejects when the tool
   * exits or the time runs out. One waiter at a time.
   */
  expect(marker: string, timeoutMs: number, what: string): Promise<string> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          new LookoutError(
            'gpio',
            'WRITE_TIMEOUT',
            `${this.command}: no ${what} within ${timeoutMs} ms (output so far: ${JSON.stringify(this.stdout.slice(-200))})`,
            { where: this.command },
          ),
        );
      }, timeoutMs);
      this.waiter = {
        test: (stdout) => {
          const at = stdout.indexOf(marker);
          return at === -1 ? null : at + marker.length;
        },
        resolve: (text) => {
          resolve(text.slice(0, text.length - marker.length));
        },
        reject,
        timer,
      };
      this.check();
    });
  }

  /** Why the tool ended (its stderr), once it has. */
  async exitError(): Promise<LookoutError> {
    await this.exit;
    return this.failure ?? new LookoutError('gpio', 'TOOL_FAILED', `${this.command} ended`, { where: this.command });
  }

  /** Drops output not yet consumed by a waiter. */
  discardOutput(): void {
    this.stdout = '';
  }

  write(text: string): void {
    this.process.stdin?.write(text);
  }

  /** Ends stdin, then SIGTERM, then SIGKILL, waiting `graceMs` at each step. */
  async stop(graceMs: number): Promise<void> {
    if (this.exited) return;
    this.process.stdin?.end();
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      if (await this.waitExit(graceMs)) return;
      this.process.kill(signal);
    }
    await this.waitExit(graceMs);
  }

  waitExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
      void this.exit.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private check(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    const end = waiter.test(this.stdout);
    if (end === null) return;
    this.waiter = null;
    clearTimeout(waiter.timer);
    const text = this.stdout.slice(0, end);
    this.stdout = this.stdout.slice(end);
    waiter.resolve(text);
  }

  private fail(error: LookoutError): void {
    this.failure ??= error;
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }
}
