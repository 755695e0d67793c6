/**
 * Cold start (issue 8): wall time from spawning the bundle to its first detection, target 1.5 s. Two ways in:
 *   - `lookout detect IMAGE`: spawn → its first result line on stdout (Node start, bundle load, model read,
 *     session created in the worker, image decoded, one inference);
 *   - `lookout run`: spawn → the first rule firing, with a rule that fires on any detection in one frame and a
 *     folder camera whose every frame is that image: the agent's own meaning of "first detection". The note
 *     gives how long after "agent started" it came, to show it was the first frame.
 * Beside them, the floor: `node -e 0`, and `lookout --help` (the bundle parsed, nothing loaded).
 * Each round runs every command once, interleaved so that machine noise spreads over all of them; the first
 * round is discarded (it fills the OS page cache with node, the bundle, onnxruntime's library and the model).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SyntheticWorld } from '../../src/agent/camera/synthetic/world.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { bundlePath, parseLogLine, spawnWatched, writeAgentConfig, type WatchedChild } from './agent-child.ts';
import type { Report } from './report.ts';
import { fmt, summarize } from './stats.ts';

export interface ColdStartOptions {
  /** Measured runs of each command (one more, discarded, warms the page cache). */
  readonly runs: number;
  readonly model: string;
}

const WIDTH = 640;
const HEIGHT = 480;
const TARGET_S = 1.5;
const LINE_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
/** An object must cover this much of the frame to count as one the model should find. */
const MIN_AREA = 0.02;
const SEED = 42;

export async function benchColdStart(report: Report, o: ColdStartOptions): Promise<void> {
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`cold-start: runs must be a positive integer, got ${o.runs}`);
  if (!existsSync(bundlePath)) throw new Error(`cold-start: ${bundlePath} is missing (npm run build)`);
  const section = 'cold-start';
  const work = mkdtempSync(join(tmpdir(), 'lookout-bench-cold-'));
  const defaults = parseConfig({});

  // The synthetic camera's world starts empty (actors walk in from outside the frame), so `run` watches a
  // folder camera holding one still with objects: its first frame is one the model can detect something in.
  const folder = join(work, 'camera');
  mkdirSync(folder);
  const image = join(folder, 'scene.jpg');
  const still = stillWithObjects(SEED);
  await sharp(still.rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).toFile(image);
  const config: ConfigInput = {
    device: { id: 'cold-start', group: 'bench' },
    camera: { source: 'file', path: folder, width: WIDTH, height: HEIGHT, rate: defaults.camera.fps, loop: true },
    detector: { model: o.model, providers: ['cpu'] },
    gpio: { backend: 'sim', outputs: [{ name: 'alarm', line: 'GPIO17', chip: 'auto', activeLow: false, initial: 'off', safe: 'off' }] },
    rules: [{ name: 'anything', classes: [], minScore: defaults.detector.conf, framesToFire: 1, holdMs: 1000, output: 'alarm' }],
    log: { level: 'info', format: 'json' },
    stateDir: work,
  };
  const configFile = writeAgentConfig(work, 'cold-start.yaml', config);

  const floor: number[] = [];
  const help: number[] = [];
  const detect: number[] = [];
  const detectExit: number[] = [];
  const run: number[] = [];
  const runStarted: number[] = [];
  const afterStarted: number[] = [];
  for (let round = 0; round <= o.runs; round++) {
    const keep = round > 0;
    const f = await untilExit(['-e', '0']);
    const h = await untilExit([bundlePath, '--help']);
    const d = await detectOnce(image, o.model);
    const r = await runOnce(configFile);
    if (!keep) continue;
    floor.push(f);
    help.push(h);
    detect.push(d.firstLineS);
    detectExit.push(d.exitS);
    run.push(r.firedS);
    runStarted.push(r.startedS);
    afterStarted.push(r.afterStartedMs);
  }

  const n = `${o.runs} runs after 1 discarded (page cache warm)`;
  report.add({ section, name: 'node -e 0 (the floor)', unit: 's', summary: summarize(floor), note: `${process.execPath}; ${n}` });
  report.add({ section, name: 'lookout --help (bundle parsed)', unit: 's', summary: summarize(help), note: 'dist/lookout.mjs' });
  report.add({ section, name: 'lookout detect IMAGE: first detection line', unit: 's', summary: summarize(detect), note: `640×480 JPEG, synthetic seed ${SEED} at ${still.atMs} ms, ${still.objects} object(s); cpu provider` });
  report.add({ section, name: 'lookout detect IMAGE: process exit', unit: 's', summary: summarize(detectExit), note: 'worker and session torn down' });
  report.add({ section, name: 'lookout run: "agent started" line', unit: 's', summary: summarize(runStarted), note: 'detector session loaded, camera started' });
  report.add({ section, name: 'lookout run: first detection (rule fired)', unit: 's', summary: summarize(run), note: `image-folder camera at ${defaults.camera.fps} fps, the same JPEG; a rule on any class, 1 frame to fire; fired ${fmt(summarize(afterStarted).median, 0)} ms (median) after "agent started" by the agent's log clock` });
  const d = summarize(detect).median;
  const r = summarize(run).median;
  report.ratio({ section, name: 'cold start, detect to first detection (s)', value: d, target: `≤ ${TARGET_S}`, met: d <= TARGET_S });
  report.ratio({ section, name: 'cold start, run to first detection (s)', value: r, target: `≤ ${TARGET_S}`, met: r <= TARGET_S });
}

/** The first frame of the synthetic world `seed` (sampled every 250 ms) that shows an object of MIN_AREA or more. */
function stillWithObjects(seed: number): { rgb: Uint8Array; objects: number; atMs: number } {
  const world = new SyntheticWorld({ width: WIDTH, height: HEIGHT, seed });
  for (let t = 0; t < 120_000; t += 250) {
    const frame = world.renderAt(t);
    if (frame.objects.some((g) => ((g.box[2] - g.box[0]) * (g.box[3] - g.box[1])) / (WIDTH * HEIGHT) >= MIN_AREA)) return { rgb: frame.rgb, objects: frame.objects.length, atMs: t };
  }
  throw new Error(`cold-start: the synthetic scene of seed ${seed} shows no object in its first two minutes`);
}

async function finished(child: WatchedChild, what: string): Promise<number> {
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`cold-start: ${what} exited with code ${exit.code} (signal ${exit.signal ?? 'none'})\n${child.stderrTail()}`);
  return (exit.at - child.spawnedAt) / 1000;
}

async function untilExit(args: readonly string[]): Promise<number> {
  return finished(spawnWatched(args), `node ${args.join(' ')}`);
}

async function detectOnce(image: string, model: string): Promise<{ firstLineS: number; exitS: number }> {
  const child = spawnWatched([bundlePath, 'detect', image, '--model', model]);
  const line = await child.waitForLine((l) => l.stream === 'stdout' && l.text.startsWith(`${image}: `), LINE_TIMEOUT_MS, 'detection line');
  if (line.text.endsWith(': no detections')) throw new Error(`cold-start: lookout detect found nothing in ${image}; the scene should show objects`);
  const exitS = await finished(child, 'lookout detect');
  return { firstLineS: (line.at - child.spawnedAt) / 1000, exitS };
}

async function runOnce(configFile: string): Promise<{ startedS: number; firedS: number; afterStartedMs: number }> {
  const child = spawnWatched([bundlePath, 'run', '--config', configFile]);
  try {
    // Both waiters from the start: the two lines may arrive in one chunk of stdout.
    const [started, fired] = await Promise.all([
      child.waitForLine((l) => parseLogLine(l.text)?.msg === 'agent started', LINE_TIMEOUT_MS, '"agent started" line'),
      child.waitForLine((l) => parseLogLine(l.text)?.msg.startsWith('FIRED ') === true, LINE_TIMEOUT_MS, 'rule firing'),
    ]);
    const startedLog = parseLogLine(started.text);
    const firedLog = parseLogLine(fired.text);
    if (startedLog === undefined || firedLog === undefined) throw new Error('cold-start: log lines changed between reads');
    return { startedS: (started.at - child.spawnedAt) / 1000, firedS: (fired.at - child.spawnedAt) / 1000, afterStartedMs: firedLog.time - startedLog.time };
  } finally {
    const exit = await child.stop(STOP_GRACE_MS);
    if (exit.code !== 0) process.stderr.write(`cold-start: lookout run exited with code ${exit.code} (signal ${exit.signal ?? 'none'}) on SIGTERM\n${child.stderrTail()}\n`);
  }
}
