/**
 * Builds the board bundle and the .deb for the tests, one build at a time: test files run in parallel and
 * every build rewrites dist/lookout.mjs (scripts/build.mjs), so they take a lock (an atomic mkdir) first.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = new URL('../../../', import.meta.url).pathname;

/**
 * Runs `fn` holding the lock dist/board-cache/`name` (an atomic mkdir), waiting up to `staleMs` for another
 * holder; a lock older than that was left by a killed run.
 */
export async function withLock<T>(name: string, staleMs: number, fn: () => T): Promise<T> {
  const lock = join(root, 'dist', 'board-cache', name);
  mkdirSync(join(root, 'dist', 'board-cache'), { recursive: true });
  const deadline = Date.now() + staleMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`lock ${lock} held for ${Math.round(staleMs / 60_000)} minutes`);
      await sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function withBuildLock<T>(fn: () => T): Promise<T> {
  return withLock('build.lock', 15 * 60_000, fn);
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

function packDeb(version: string, bundle: string): string {
  execFileSync('sh', [join(root, 'scripts/board/build-deb.sh'), version, bundle], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return join(root, 'dist', `lookout_${version}_arm64.deb`);
}

/** Packs `bundle` into dist/lookout_<version>_arm64.deb (scripts/board/build-deb.sh); returns the .deb's path. */
export function buildDeb(version: string, bundle: string): Promise<string> {
  return withBuildLock(() => packDeb(version, bundle));
}

/** A digest of a folder tree: every path, its type and mode, and each file's bytes or link's target. */
function treeDigest(dir: string, hash = createHash('sha256'), rel = ''): ReturnType<typeof createHash> {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = join(rel, name);
    const stat = lstatSync(join(dir, path));
    hash.update(`${path}\0${stat.mode}\0`);
    if (stat.isSymbolicLink()) hash.update(readlinkSync(join(dir, path)));
    else if (stat.isDirectory()) treeDigest(dir, hash, path);
    else hash.update(readFileSync(join(dir, path)));
    hash.update('\0');
  }
  return hash;
}

/**
 * buildDeb, cached in dist/board-cache/ under a digest of everything the package is made of (the bundle, the
 * packaging script and the maintainer scripts): dpkg-deb's xz of a bundle with its own Node takes minutes on
 * two cores, and an unchanged bundle gives the same package. Returns the .deb's path in the cache.
 */
export function buildDebCached(version: string, bundle: string): Promise<string> {
  const hash = treeDigest(bundle);
  hash.update(version);
  hash.update(readFileSync(join(root, 'scripts/board/build-deb.sh')));
  treeDigest(join(root, 'scripts/board/deb'), hash);
  const key = hash.digest('hex').slice(0, 16);
  const cache = join(root, 'dist', 'board-cache');
  const cached = join(cache, `lookout_${version}_arm64-${key}.deb`);
  return withBuildLock(() => {
    if (existsSync(cached)) return cached;
    const built = packDeb(version, bundle);
    // One package per version: an older build of it is stale now.
    for (const name of readdirSync(cache)) {
      if (name.startsWith(`lookout_${version}_arm64-`) && name.endsWith('.deb')) rmSync(join(cache, name), { force: true });
    }
    renameSync(built, cached);
    return cached;
  });
}
