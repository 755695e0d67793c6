/**
 * Running the libgpiod tools: injectable spawn functions (tests put stand-ins in their place) and a runner
 * that collects a short-lived tool's output with a timeout. Always argument arrays, never a shell string.
 */
import {
  spawn as nodeSpawn,
  spawnSync as nodeSpawnSync,
  type ChildProcess,
  type SpawnOptions,
  type SpawnSyncOptionsWithStringEncoding,
  type SpawnSyncReturns,
} from 'node:child_process';
import { LookoutError } from '../../errors.ts';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
export type SpawnSyncFn = (
  command: string,
  args: readonly string[],
  options: SpawnSyncOptionsWithStringEncoding,
) => SpawnSyncReturns<string>;

export const defaultSpawn: SpawnFn = (command, args, options) => nodeSpawn(command, args, options);
export const defaultSpawnSync: SpawnSyncFn = (command, args, options) => nodeSpawnSync(command, args, options);

/** Tool output beyond this is cut: a chip listing is a few kB. */
const MAX_OUTPUT = 1 << 20;

export interface ToolResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function spawnFailure(command: string, error: Error): LookoutError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new LookoutError('gpio', 'TOOL_NOT_FOUND', `${command} not found (Debian package "gpiod")`, {
      where: command,
      cause: error,
    });
  }
  return new LookoutError('gpio', 'TOOL_FAILED', `could not run ${command}: ${error.message}`, { where: command, cause: error });
}

export function toolFailure(command: string, args: readonly string[], result: Pick<ToolResult, 'code' | 'signal' | 'stderr'>): LookoutError {
  const status = result.signal === null ? `exit ${result.code ?? '?'}` : `signal ${result.signal}`;
  const stderr = result.stderr.trim();
  const busy = /Device or resource busy/i.test(stderr);
  return new LookoutError(
    'gpio',
    busy ? 'LINE_BUSY' : 'TOOL_FAILED',
    `${command} ${args.join(' ')} failed (${status})${stderr === '' ? '' : `: ${stderr}`}`,
    { where: command },
  );
}

/** Runs a tool to completion and returns its output; rejects on spawn failure or timeout, not on exit code. */
export function runTool(spawn: SpawnFn, command: string, args: readonly string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(spawnFailure(command, e instanceof Error ? e : new Error(String(e))));
      return;
    }
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new LookoutError('gpio', 'TOOL_TIMEOUT', `${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`, {
          where: command,
        }),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(spawnFailure(command, error));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a tool and returns its stdout, or throws TOOL_FAILED / LINE_BUSY when it does not exit 0. */
export async function runToolOk(spawn: SpawnFn, command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  const result = await runTool(spawn, command, args, timeoutMs);
  if (result.code !== 0) throw toolFailure(command, args, result);
  return result.stdout;
}
