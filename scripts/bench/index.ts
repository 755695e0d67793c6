/**
 * `npm run bench`: every figure Lookout states about its speed, measured side by side in one run on this
 * machine, printed as a table (median, min, max) with the ratios held against their targets, and written to
 * docs/benchmarks.md.
 *
 *   npm run bench                 all sections
 *   npm run bench -- inference    only the named sections
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDecode, benchInference } from './inference.ts';
import { benchPipeline } from './pipeline.ts';
import { benchTelemetry } from './telemetry.ts';
import { benchIngest } from './ingest.ts';
import { benchDashboard } from './dashboard.ts';
import { Report } from './report.ts';

const root = new URL('../../', import.meta.url).pathname;
const bundledModel = process.env.LOOKOUT_BENCH_MODEL ?? join(root, 'models', 'lookout-int8.onnx');

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (name: string): boolean => only.length === 0 || only.includes(name);
  const report = new Report();
  process.stdout.write(`machine: ${Report.machine()}\n`);

  if (want('inference')) {
    if (!existsSync(bundledModel)) throw new Error(`${bundledModel} is missing`);
    const work = mkdtempSync(join(tmpdir(), 'lookout-bench-'));
    const floatModel = join(work, 'lookout-float.onnx');
    // Only the int8 model is committed; its float twin (same graph, dequantised weights) costs what the float
    // export costs to run.
    execFileSync('/usr/bin/python3', [join(root, 'scripts/bench/float-from-qdq.py'), bundledModel, floatModel], { stdio: 'inherit' });
    await benchInference(report, { floatModel, int8Model: bundledModel, threads: [1, 2], rounds: 150 });
    benchDecode(report);
  }

  if (want('pipeline')) {
    if (!existsSync(bundledModel)) throw new Error(`${bundledModel} is missing`);
    for (const threads of [1, 2]) await benchPipeline(report, { model: bundledModel, threads, seconds: 8 });
  }

  if (want('telemetry')) await benchTelemetry(report, bundledModel, 60);

  if (want('dashboard')) await benchDashboard(report, { devices: 1000, statsPerDevice: 360, requests: 200 });

  if (want('ingest')) await benchIngest(report, { messages: Number(process.env.LOOKOUT_BENCH_INGEST_MESSAGES ?? 60_000), rounds: Number(process.env.LOOKOUT_BENCH_INGEST_ROUNDS ?? 3), postgres: true });

  mkdirSync(join(root, 'docs'), { recursive: true });
  const out = join(root, 'docs', 'benchmarks.md');
  writeFileSync(out, report.markdown('Lookout benchmarks') + '\n');
  process.stdout.write(`written: docs/benchmarks.md\n`);
}

await main();
