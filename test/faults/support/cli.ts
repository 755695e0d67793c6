/** Runs the real `lookout` CLI from source (never a built bundle) and collects what it printed. */
import { execFile } from 'node:child_process';

export const root = new URL('../../../', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `prefix` runs the CLI under another program (`setpriv` to drop root). */
export function lookout(args: readonly string[], options: { prefix?: readonly string[]; timeoutMs?: number } = {}): Promise<CliResult> {
  const argv = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', `${root}src/cli.ts`, ...args];
  const [file, ...rest] = argv;
  if (file === undefined) throw new Error('empty command');
  return new Promise((resolve) => {
    execFile(file, rest, { cwd: root, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}
