/**
 * Runs one trainer command (`train` or `export`) as a child process and hands each output line to the job's
 * log. A batch runner (a Kubernetes Job, say) takes the same arguments; the service only needs the exit code
 * and the files written under the job's folder.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LookoutError } from '../../errors.ts';

export interface TrainerRun {
  readonly command: readonly string[];
  readonly cwd: string;
  /** The environment it runs in (the service's own, from the config module). */
  readonly env: NodeJS.ProcessEnv;
  readonly args: readonly string[];
  readonly onLine: (line: string) => void;
  readonly signal?: AbortSignal;
}

export async function runTrainer(run: TrainerRun): Promise<void> {
  const [bin, ...pre] = run.command;
  if (bin === undefined) throw new LookoutError('config', 'BAD_TRAINER', 'retrain.trainerCommand is empty', { where: 'retrain.trainerCommand' });
  const child = spawn(bin, [...pre, ...run.args], {
    cwd: run.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The trainer prints progress with \r for terminals; one line per update is what a log wants.
    env: { ...run.env, PYTHONUNBUFFERED: '1' },
    ...(run.signal && { signal: run.signal }),
  });
  const forward = (stream: NodeJS.ReadableStream | null): void => {
    if (stream === null) return;
    createInterface({ input: stream }).on('line', (line) => {
      for (const part of line.split('\r')) if (part.trim() !== '') run.onLine(part.trimEnd());
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => { resolve([c, s]); });
  });
  if (code !== 0) {
    throw new LookoutError('retrain', 'TRAINER_FAILED', `trainer ${run.args[0] ?? ''} ended with ${signal ?? `exit code ${String(code)}`}`, { where: [bin, ...pre].join(' ') });
  }
}
