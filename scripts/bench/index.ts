/**
 * `npm run bench`: every figure Lookout states about its speed and memory, measured side by side in one run on
 * this machine, printed as a table (median, min, max) with the ratios held against their targets.
 *
 *   npm run bench                               all sections; writes docs/benchmarks.md
 *   npm run bench -- inference cold-start       only the named sections; writes nothing
 *   npm run bench -- memory --out /tmp/m.md     only the named sections, written to that file
 *
 * A partial run never overwrites docs/benchmarks.md (it would drop every other section); a full run writes
 * it, or the --out file when one is given.
 * Environment: LOOKOUT_BENCH_MODEL (default models/lookout-int8.onnx), LOOKOUT_BENCH_MEMORY_MINUTES (the soak
 * after warm-up, default 10), LOOKOUT_BENCH_COLD_START_RUNS (default 10), LOOKOUT_BENCH_INGEST_MESSAGES,
 * LOOKOUT_BENCH_INGEST_ROUNDS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDecode, benchInference } from './inference.ts';
import { benchPipeline } from './pipeline.ts';
import { benchTelemetry } from './telemetry.ts';
import { benchIngest } from './ingest.ts';
import { benchDashboard } from './dashboard.ts';
import { benchColdStart } from './cold-start.ts';
import { benchMemory } from './memory.ts';
import { benchModelSizes } from './model-sizes.ts';
import { benchAccuracy } from './accuracy.ts';
import { bundlePath, root } from './agent-child.ts';
import { Report } from './report.ts';

const bundledModel = process.env.LOOKOUT_BENCH_MODEL ?? join(root, 'models', 'lookout-int8.onnx');

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  return n;
}

function requireModel(): string {
  if (!existsSync(bundledModel)) throw new Error(`${bundledModel} is missing`);
  return bundledModel;
}

let workDir: string | undefined;
/** One scratch folder per run, shared by the sections that write files. */
function work(): string {
  workDir ??= mkdtempSync(join(tmpdir(), 'lookout-bench-'));
  return workDir;
}

/**
 * Made once and found again by later runs (gitignored): the untrained YOLOv8n-sized models and the model card's
 * test split take minutes to make and are the same every time.
 */
function cacheDir(): string {
  const dir = join(root, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

let floatModel: string | undefined;
/**
 * Only the int8 model is committed; its float twin (same graph, dequantised weights) costs what the float
 * export costs to run. Made once, for every section that compares against it.
 */
function floatTwin(): string {
  floatModel ??= (() => {
    const out = join(work(), 'lookout-float.onnx');
    execFileSync('/usr/bin/python3', [join(root, 'scripts/bench/float-from-qdq.py'), requireModel(), out], { stdio: 'inherit' });
    return out;
  })();
  return floatModel;
}

/** The newest modification time of any file under `dir`, ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let bundleChecked = false;
/** Builds dist/ once per run when the bundle is missing or older than src/: the sections that spawn it time it. */
function ensureBundle(): void {
  if (bundleChecked) return;
  bundleChecked = true;
  const stale = !existsSync(bundlePath) || statSync(bundlePath).mtimeMs < newestMtime(join(root, 'src'));
  if (!stale) return;
  process.stdout.write('bench: dist/lookout.mjs is missing or older than src/, running npm run build\n');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

interface Section {
  readonly name: string;
  readonly run: (report: Report) => Promise<void>;
}

/** In the order they run: quick ones first, so a broken one fails early; the long memory soak last. */
const sections: readonly Section[] = [
  {
    name: 'inference',
    run: async (report) => {
      await benchInference(report, { floatModel: floatTwin(), int8Model: requireModel(), threads: [1, 2], rounds: 150 });
      benchDecode(report);
    },
  },
  {
    name: 'pipeline',
    run: async (report) => {
      for (const threads of [1, 2]) await benchPipeline(report, { model: requireModel(), threads, seconds: 8 });
    },
  },
  {
    name: 'cold-start',
    run: async (report) => {
      ensureBundle();
      await benchColdStart(report, { runs: envNumber('LOOKOUT_BENCH_COLD_START_RUNS', 10), model: requireModel() });
    },
  },
  { name: 'accuracy', run: (report) => benchAccuracy(report, { int8Model: requireModel(), floatModel: floatTwin(), work: cacheDir(), images: 900 }) },
  { name: 'model-sizes', run: (report) => benchModelSizes(report, { sizes: [320, 640], threads: 1, seconds: 6, work: cacheDir() }) },
  { name: 'dashboard', run: (report) => benchDashboard(report, { devices: 1000, statsPerDevice: 360, requests: 200 }) },
  {
    name: 'ingest',
    run: (report) => benchIngest(report, { messages: envNumber('LOOKOUT_BENCH_INGEST_MESSAGES', 60_000), rounds: envNumber('LOOKOUT_BENCH_INGEST_ROUNDS', 3), postgres: true }),
  },
  { name: 'telemetry', run: (report) => benchTelemetry(report, requireModel(), 60) },
  {
    name: 'memory',
    run: async (report) => {
      ensureBundle();
      await benchMemory(report, { minutes: envNumber('LOOKOUT_BENCH_MEMORY_MINUTES', 10), model: requireModel() });
    },
  },
];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' } }, allowPositionals: true });
  const known = sections.map((s) => s.name);
  const unknown = positionals.filter((p) => !known.includes(p));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections: ${known.join(', ')}`);
  const full = positionals.length === 0;
  const out = values.out !== undefined ? resolve(values.out) : full ? join(root, 'docs', 'benchmarks.md') : undefined;

  const report = new Report();
  process.stdout.write(`machine: ${Report.machine()}\n`);
  for (const section of sections) {
    if (full || positionals.includes(section.name)) await section.run(report);
  }

  if (out === undefined) {
    process.stdout.write('written: nothing (a partial run; --out FILE writes its sections)\n');
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report.markdown('Lookout benchmarks') + '\n');
  const shown = relative(process.cwd(), out);
  process.stdout.write(`written: ${shown.startsWith('..') ? out : shown}\n`);
}

await main();
