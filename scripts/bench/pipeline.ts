/**
 * The pipeline against raw onnxruntime, same model, same threads, one run:
 * - throughput: frames/s of DetectEngine.detect() back to back on the main thread (raw) vs frames/s the
 *   pipeline completes with a camera twice as fast as the model (overload: the detector never waits);
 * - glass-to-GPIO: capture → GPIO write for each actuation, with the camera at a quarter of the model's rate (the
 *   detector is idle when a frame arrives, as on a board where the model keeps up), against preprocess +
 *   inference measured in the same run;
 * - event-loop lag p99 while inference runs (perf_hooks.monitorEventLoopDelay);
 * - frames dropped under overload.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { systemClock } from '../../src/agent/clock.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { rgbToI420 } from '../../src/agent/camera/i420.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { DetectEngine } from '../../src/agent/detect/detect-engine.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { outputListSchema } from '../../src/agent/gpio/schema.ts';
import { SimActuator } from '../../src/agent/gpio/sim-actuator.ts';
import { compileRules, parseRules } from '../../src/agent/rules/index.ts';
import { Pipeline } from '../../src/agent/pipeline.ts';
import { silentLogger } from '../../src/log.ts';
import { ReplaySource } from './replay-source.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

export interface PipelineBenchOptions {
  readonly model: string;
  readonly threads: number;
  readonly section?: string;
  readonly seconds: number;
  readonly frame?: { width: number; height: number };
  /** Appended to every row name, so that several models can share one section. */
  readonly label?: string;
  /** Throughput windows of each kind (default 8). */
  readonly windows?: number;
  /**
   * The fewest frames a throughput window holds at the raw rate (default 0: `seconds` alone sizes them). The
   * pipeline's count in a window loses about one frame to its start and end, which a slow model's few frames
   * per second would turn into a bias of several percent.
   */
  readonly minWindowFrames?: number;
  /**
   * Measure glass-to-GPIO (default true). Off for untrained models: their detections are noise, so no rule
   * switches on the alternating scenes and no GPIO write would be timed.
   */
  readonly latency?: boolean;
}

/** Frames alternating between a scene with people and one without, so a person rule switches every frame. */
function replayFrames(width: number, height: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let seed = 1;
  while (frames.length < 8) {
    const scene = renderScene({ width, height, seed: seed++ });
    const hasPerson = scene.objects.some((o) => o.label === 'person' && (o.box[3] - o.box[1]) > height / 6);
    const wantPerson = frames.length % 2 === 0;
    if (hasPerson === wantPerson && (wantPerson || scene.objects.length === 0)) frames.push(rgbToI420(scene.rgb, width, height));
    if (seed > 5000) throw new Error('could not find alternating scenes');
  }
  return frames;
}

interface Rig {
  readonly pipeline: Pipeline;
  readonly source: ReplaySource;
  readonly glassToGpio: number[];
  readonly compute: number[];
  stop(): Promise<void>;
}

async function startRig(model: string, threads: number, frames: readonly Uint8Array[], width: number, height: number, cameraFps: number): Promise<Rig> {
  const detector = new OnnxDetector({ modelPath: model, threads, providers: ['cpu'] });
  const actuator = new SimActuator(outputListSchema.parse([{ name: 'relay', line: 17 }]), { clock: systemClock, logger: silentLogger });
  const source = new ReplaySource(width, height, frames, cameraFps);
  const glassToGpio: number[] = [];
  const compute: number[] = [];
  const pipeline = new Pipeline({
    source,
    detector,
    actuator,
    rules: compileRules(parseRules([{ name: 'person', classes: ['person'], minScore: 0.25, framesToFire: 1, holdMs: 1, cooldownMs: 0, maxOnMs: 60_000, output: 'relay' }])),
    clock: systemClock,
    timers: systemTimers,
    logger: silentLogger,
    listeners: {
      onResult(r) {
        compute.push(r.timings.preprocessMs + r.timings.inferenceMs);
        if (r.gpioWriteAt !== null) glassToGpio.push(r.gpioWriteAt - r.capturedAt);
      },
    },
  });
  await actuator.start();
  await detector.start();
  await pipeline.start();
  return {
    pipeline,
    source,
    glassToGpio,
    compute,
    async stop() {
      await pipeline.stop();
      await detector.stop();
      await actuator.stop();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Frames per second of DetectEngine.detect() back to back on this thread for `ms`. */
async function rawWindow(engine: DetectEngine, frames: readonly Uint8Array[], width: number, height: number, ms: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await engine.detect({ data: frames[n % frames.length]!, width, height, format: 'i420' });
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Raw and pipeline throughput measured in alternating windows, so that whatever else the machine does hits
 * both alike; event-loop lag recorded during the pipeline's windows.
 */
async function throughput(model: string, threads: number, frames: readonly Uint8Array[], width: number, height: number, windows: number, secondsMs: number, minWindowFrames: number) {
  const engine = await DetectEngine.open({ modelPath: model, threads, providers: ['cpu'] });
  try {
    await rawWindow(engine, frames, width, height, 1000); // warm-up
    const estimate = await rawWindow(engine, frames, width, height, 1000);
    const windowMs = Math.max(secondsMs / windows, (1000 * minWindowFrames) / estimate);
    const rig = await startRig(model, threads, frames, width, height, estimate * 2);
    const raw: number[] = [];
    const piped: number[] = [];
    let dropped = 0;
    let framesIn = 0;
    // One monitor per pipeline window: a monitor left across a raw window would count the raw run's blocking
    // session.run() calls as the pipeline's lag.
    const lagP99: number[] = [];
    let lagMax = 0;
    try {
      await sleep(1000); // the worker's warm-up
      for (let w = 0; w < windows; w++) {
        rig.source.paused = true;
        await sleep(100); // the frame in flight finishes
        raw.push(await rawWindow(engine, frames, width, height, windowMs));
        const before = { ...rig.pipeline.counters };
        rig.source.paused = false;
        const monitor = monitorEventLoopDelay({ resolution: 1 });
        monitor.enable();
        const t0 = performance.now();
        await sleep(windowMs);
        const after = { ...rig.pipeline.counters };
        const seconds = (performance.now() - t0) / 1000;
        monitor.disable();
        lagP99.push(monitor.percentile(99) / 1e6);
        lagMax = Math.max(lagMax, monitor.max / 1e6);
        piped.push((after.processed - before.processed) / seconds);
        dropped += after.dropped - before.dropped;
        framesIn += after.framesIn - before.framesIn;
      }
    } finally {
      await rig.stop();
    }
    return { raw, piped, dropped, framesIn, lagP99Ms: summarize(lagP99).median, lagMaxMs: lagMax, estimate, windowMs };
  } finally {
    await engine.close();
  }
}

/** Glass-to-GPIO with the camera at a quarter of the model's rate: the detector is idle when a frame arrives. */
async function latency(model: string, threads: number, frames: readonly Uint8Array[], width: number, height: number, cameraFps: number, seconds: number) {
  const rig = await startRig(model, threads, frames, width, height, cameraFps);
  const lag = monitorEventLoopDelay({ resolution: 1 });
  try {
    await sleep(1000);
    rig.glassToGpio.length = 0;
    rig.compute.length = 0;
    lag.enable();
    await sleep(seconds * 1000);
    lag.disable();
  } finally {
    await rig.stop();
  }
  return { glassToGpio: [...rig.glassToGpio], compute: [...rig.compute], lagP99Ms: lag.percentile(99) / 1e6 };
}

export async function benchPipeline(report: Report, o: PipelineBenchOptions): Promise<void> {
  const section = o.section ?? 'pipeline';
  const { width, height } = o.frame ?? { width: 640, height: 480 };
  const named = (name: string): string => (o.label === undefined ? name : `${name}, ${o.label}`);
  const frames = replayFrames(width, height);
  const tp = await throughput(o.model, o.threads, frames, width, height, o.windows ?? 8, o.seconds * 1000, o.minWindowFrames ?? 0);
  const paced = o.latency === false ? undefined : await latency(o.model, o.threads, frames, width, height, tp.estimate / 4, o.seconds);
  const note = `${o.threads} thread(s), ${width}×${height} I420 frames`;
  const raw = summarize(tp.raw);
  const piped = summarize(tp.piped);
  const windowsNote = o.minWindowFrames === undefined ? '' : ` (${(tp.windowMs / 1000).toFixed(1)} s each)`;
  report.add({ section, name: named('raw onnxruntime throughput (detect back to back)'), unit: 'fps', summary: raw, note: `${note}; windows${windowsNote} alternating with the pipeline's` });
  report.add({ section, name: named('pipeline throughput, camera at 2× model rate'), unit: 'fps', summary: piped, note });
  const ratio = piped.median / raw.median;
  report.ratio({ section, name: named(`pipeline ÷ raw throughput, ${o.threads} thread(s)`), value: ratio, target: '≥ 0.95', met: ratio >= 0.95 });
  report.add({ section, name: named('frames dropped under 2× overload'), unit: '%', summary: summarize([(100 * tp.dropped) / Math.max(1, tp.framesIn)]), note: `${tp.dropped} of ${tp.framesIn}` });
  const lagNote = `max ${tp.lagMaxMs.toFixed(1)} ms${paced === undefined ? '' : `; paced run p99 ${paced.lagP99Ms.toFixed(1)} ms`}`;
  const lag = (): void => {
    report.add({ section, name: named('event-loop lag p99 during inference (overload, median of windows)'), unit: 'ms', summary: summarize([tp.lagP99Ms]), note: lagNote });
    report.ratio({ section, name: named(`event-loop lag p99 (ms) against 5 ms, ${o.threads} thread(s)`), value: tp.lagP99Ms, target: '≤ 5', met: tp.lagP99Ms <= 5 });
  };
  if (paced === undefined) {
    lag();
    return;
  }
  const g = summarize(paced.glassToGpio);
  const c = summarize(paced.compute);
  const sorted = [...paced.glassToGpio].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  report.add({ section, name: named('preprocess + inference (camera at ¼ model rate)'), unit: 'ms', summary: c });
  report.add({ section, name: named('glass-to-GPIO (camera at ¼ model rate)'), unit: 'ms', summary: g, note: `p95 ${pct(95).toFixed(2)}, p99 ${pct(99).toFixed(2)}` });
  report.ratio({ section, name: named(`glass-to-GPIO p50 ÷ (preprocess + inference) p50, ${o.threads} thread(s)`), value: g.median / c.median, target: '≤ 1.15', met: g.median / c.median <= 1.15 });
  lag();
}
