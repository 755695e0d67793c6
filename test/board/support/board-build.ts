/**
 * Builds the board bundle and the .deb for the tests, one build at a time: test files run in parallel and
 * every build rewrites dist/lookout.mjs (scripts/build.mjs), so they take a lock (an atomic mkdir) first.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = new URL('../../../', import.meta.url).pathname;
const lock = join(root, 'dist', 'board-cache', 'build.lock');

async function withBuildLock<T>(fn: () => T): Promise<T> {
  mkdirSync(join(root, 'dist', 'board-cache'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a killed run is older than any build.
      if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`board build lock ${lock} held for 15 minutes`);
      await sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the board bundle into `out` (node scripts/board/build-board.mjs); returns its summary line. */
export function buildBoard(out: string, withNode: boolean): Promise<string> {
  return withBuildLock(() =>
    execFileSync(process.execPath, [join(root, 'scripts/board/build-board.mjs'), '--out', out, ...(withNode ? ['--with-node'] : [])], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim(),
  );
}

/** Packs `bundle` into dist/lookout_<version>_arm64.deb (scripts/board/build-deb.sh); returns the .deb's path. */
export function buildDeb(version: string, bundle: string): Promise<string> {
  return withBuildLock(() => {
    execFileSync('sh', [join(root, 'scripts/board/build-deb.sh'), version, bundle], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return join(root, 'dist', `lookout_${version}_arm64.deb`);
  });
}
