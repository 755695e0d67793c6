// Bundles the CLI (and every worker-thread entry, any src/**/*-worker.ts) into dist/ with esbuild.
// Native packages stay external: they ship per-platform binaries that a bundle cannot hold.
import { build } from 'esbuild';
import { cpSync, readdirSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join, basename } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist');

function findWorkers(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...findWorkers(p));
    else if (name.endsWith('-worker.ts')) found.push(p);
  }
  return found;
}

export const external = ['onnxruntime-node', 'sharp', 'better-sqlite3', 'pg-native'];

export async function bundle({ minify = true, metafile = false } = {}) {
  mkdirSync(outdir, { recursive: true });
  // The dashboard's page is plain files served as they are; the bundle finds them beside itself.
  rmSync(join(outdir, 'dashboard-static'), { recursive: true, force: true });
  cpSync(join(root, 'src/cloud/dashboard/static'), join(outdir, 'dashboard-static'), { recursive: true });
  const entryPoints = [
    { in: join(root, 'src/cli.ts'), out: 'lookout' },
    ...findWorkers(join(root, 'src')).map((p) => ({ in: p, out: basename(p, '.ts') })),
  ];
  return build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    splitting: false,
    minify,
    sourcemap: 'linked',
    metafile,
    legalComments: 'none',
    external,
    // CommonJS dependencies bundled into ESM still call require(): give them one.
    banner: { js: "import { createRequire as __lookoutCreateRequire } from 'node:module'; const require = __lookoutCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await bundle();
  const size = statSync(join(outdir, 'lookout.mjs')).size;
  console.log(`dist/lookout.mjs ${(size / 1024).toFixed(0)} KiB (${Date.now() - started} ms)`);
}
