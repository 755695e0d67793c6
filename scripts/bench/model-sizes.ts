/**
 * Model sizes (issue 8): the pipeline ratio and the int8 speed-up for a network of realistic size, so that the
 * figures mean something for real deployments: a YOLOv8n-sized detector (80 classes) at each input size, with
 * random weights from the trainer's `random` command, exported float and int8 QDQ.
 *
 * Per size: session.run float against int8 (interleaved, inference.ts), then raw against pipeline throughput for
 * each (pipeline.ts). Glass-to-GPIO is left out: an untrained model's detections are noise, so no rule switches
 * on the alternating scenes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { DetectEngine } from '../../src/agent/detect/detect-engine.ts';
import { writeSynthDataset } from '../../src/dataset/synth-writer.ts';
import { errorMessage, LookoutError } from '../../src/errors.ts';
import { benchInference } from './inference.ts';
import { benchPipeline } from './pipeline.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

export interface ModelSizesBenchOptions {
  /** Square input sizes, e.g. [320, 640]. */
  readonly sizes: readonly number[];
  readonly threads: number;
  /** The least time each measurement runs; slow models run longer (windows are sized by frames too). */
  readonly seconds: number;
  /** Where the models and their calibration scenes are made, and found again by a later run. */
  readonly work: string;
}

const root = new URL('../../', import.meta.url).pathname;
// Debian's python3, which has python3-torch and python3-onnx (index.ts runs the trainer's code the same way).
const python = '/usr/bin/python3';
const execFileAsync = promisify(execFile);

/**
 * Calibration scenes. The `random` command's default, uniform noise, leaves BatchNorm statistics that blow up
 * on camera-like frames: the float model then scores every anchor 1.0 and its NMS sorts 30,000 candidates a
 * frame, so its rows would time the decoder's worst case, not a deployment. Scenes like the frames the bench
 * feeds give both exports sane outputs and the int8 one representative ranges.
 */
const CALIBRATION = { seed: 7, count: 32 } as const;
/** Frames per throughput window at the raw rate: a window's edges cost the pipeline's count about one frame. */
const WINDOW_FRAMES = 50;
const WINDOWS = 6;
const FRAME = { width: 640, height: 480 } as const;

const exportSchema = z.object({
  params: z.number(),
  gflops: z.number(),
  float: z.object({ path: z.string(), bytes: z.number() }),
  int8: z.object({ path: z.string(), bytes: z.number() }),
});
type Exported = z.infer<typeof exportSchema>;

async function calibrationSet(work: string): Promise<string> {
  const dir = join(work, `calib-s${CALIBRATION.seed}-${CALIBRATION.count}`);
  const dataYaml = join(dir, 'data.yaml');
  // meta.json is the generator's last write: its presence means the set is complete.
  if (existsSync(join(dir, 'meta.json'))) return dataYaml;
  await writeSynthDataset({
    out: dir, count: CALIBRATION.count, seed: CALIBRATION.seed, width: FRAME.width, height: FRAME.height, val: 0, format: 'jpg',
    domain: { lighting: 'day', background: 'any', appearance: 'default' }, force: true,
  });
  return dataYaml;
}

function parseExport(text: string, where: string): Exported {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LookoutError('model', 'BAD_TRAINER_OUTPUT', `the trainer's output is not JSON: ${errorMessage(e)}`, { where, cause: e });
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LookoutError('model', 'BAD_TRAINER_OUTPUT', `unexpected trainer output: ${issue?.message ?? 'invalid'}`, { where: `${where}: ${issue?.path.join('.') ?? ''}` });
  }
  // The trainer prints the paths as it was given them, relative to its working directory (the repository root).
  const d = parsed.data;
  return { ...d, float: { ...d.float, path: resolve(root, d.float.path) }, int8: { ...d.int8, path: resolve(root, d.int8.path) } };
}

/** A pair made by an earlier run, when its record parses and both files are still there; otherwise it is made again. */
async function cachedModels(record: string): Promise<Exported | undefined> {
  if (!existsSync(record)) return undefined;
  try {
    const cached = parseExport(await readFile(record, 'utf8'), record);
    return existsSync(cached.float.path) && existsSync(cached.int8.path) ? cached : undefined;
  } catch {
    return undefined;
  }
}

/** The n-sized float + int8 pair for one input size, made once per work folder. */
async function nSizedModels(work: string, size: number, calib: string): Promise<Exported> {
  const dir = join(work, `n-sized-${size}-calib-s${CALIBRATION.seed}`);
  const record = join(dir, 'export.json');
  const cached = await cachedModels(record);
  if (cached !== undefined) return cached;
  await mkdir(dir, { recursive: true });
  const args = ['-m', 'scripts.trainer', 'random', '--arch', 'n-sized', '--imgsz', String(size), '--out', dir, '--calib', calib];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(python, args, { cwd: root, maxBuffer: 16 * 2 ** 20 }));
  } catch (e) {
    const stderr = (e as { stderr?: unknown }).stderr;
    const tail = typeof stderr === 'string' ? stderr.trim().split('\n').slice(-3).join(' | ') : errorMessage(e);
    throw new LookoutError('model', 'TRAINER_FAILED', `trainer random --imgsz ${size} failed: ${tail}`, { where: dir, cause: e });
  }
  const exported = parseExport(stdout, `trainer random --imgsz ${size}`);
  await writeFile(record, stdout);
  return exported;
}

/** session.run milliseconds of one model, a few runs after a warm-up: sizes the interleaved rounds. */
async function probeMs(modelPath: string, threads: number): Promise<number> {
  const scene = renderScene({ width: FRAME.width, height: FRAME.height, seed: 1000 });
  const engine = await DetectEngine.open({ modelPath, threads, providers: ['cpu'] });
  try {
    const ms: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { timings } = await engine.detect({ data: scene.rgb, width: FRAME.width, height: FRAME.height, format: 'rgb24' });
      if (i > 0) ms.push(timings.inferenceMs);
    }
    return summarize(ms).median;
  } finally {
    await engine.close();
  }
}

export async function benchModelSizes(report: Report, o: ModelSizesBenchOptions): Promise<void> {
  for (const size of o.sizes) {
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) {
      throw new LookoutError('config', 'BAD_OPTION', `model sizes must be multiples of 32 (the largest stride), got ${size}`, { where: 'sizes' });
    }
  }
  // Absolute, because the trainer runs from the repository root and writes the paths it was given.
  const work = resolve(o.work);
  await mkdir(work, { recursive: true });
  const calib = await calibrationSet(work);
  for (const size of o.sizes) {
    const section = `n-sized ${size}`;
    const models = await nSizedModels(work, size, calib);
    const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
    report.add({
      section, name: 'network: YOLOv8n-sized, 80 classes, random weights', unit: 'GFLOPs', summary: summarize([models.gflops]),
      note: `${(models.params / 1e6).toFixed(2)} M parameters; float ${mb(models.float.bytes)} MiB, int8 ${mb(models.int8.bytes)} MiB; ` +
        `BatchNorm statistics and int8 ranges from ${CALIBRATION.count} synthetic scenes`,
    });
    const perRound = (await probeMs(models.float.path, o.threads)) + (await probeMs(models.int8.path, o.threads));
    const rounds = Math.min(200, Math.max(20, Math.round((o.seconds * 1000) / perRound)));
    await benchInference(report, { floatModel: models.float.path, int8Model: models.int8.path, threads: [o.threads], rounds, section, frame: FRAME });
    for (const [label, model] of [['float', models.float.path], ['int8', models.int8.path]] as const) {
      await benchPipeline(report, { model, threads: o.threads, section, seconds: o.seconds, frame: FRAME, label, latency: false, windows: WINDOWS, minWindowFrames: WINDOW_FRAMES });
    }
  }
}
