/**
 * Generates the fixture ONNX models once per generator version (scripts/fixtures/make-detect-models.py, run
 * with Debian's python3-onnx) into test/fixtures/detect/generated/<hash>/. Test files run in parallel, so
 * each writes into its own temporary folder and renames it into place; the first rename wins.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(root, 'scripts/fixtures/make-detect-models.py');

export type FixtureModel =
  | 'v8-names' | 'v8-no-names' | 'v8-dynamic' | 'v5-names' | 'unknown-output' | 'slow' | 'truncated' | 'not-onnx';

let dir: string | undefined;

export function fixtureDir(): string {
  if (dir !== undefined) return dir;
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const base = join(root, 'test/fixtures/detect/generated');
  const final = join(base, hash);
  if (!existsSync(join(final, 'v8-names.onnx'))) {
    mkdirSync(base, { recursive: true });
    const tmp = mkdtempSync(join(base, '.tmp-'));
    execFileSync('/usr/bin/python3', [script, tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(tmp, final);
    } catch (e) {
      // Another test process renamed its copy first: use that one.
      if (!existsSync(join(final, 'v8-names.onnx'))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  dir = final;
  return final;
}

export function fixtureModel(name: FixtureModel): string {
  return join(fixtureDir(), `${name}.onnx`);
}

/** The constants of the fixture models (mirrors make-detect-models.py). */
export const FIXTURE = {
  size: 64,
  labels: ['person', 'car', 'dog'],
  /** cx, cy, w, h per anchor, input pixels. */
  boxes: [
    [20, 32, 16, 16],
    [22, 32, 16, 16],
    [22, 32, 16, 16],
    [48, 40, 10, 20],
    [10, 10, 8, 8],
    [50, 26, 12, 8],
  ],
} as const;
