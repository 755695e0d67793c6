/**
 * The pipeline against raw onnxruntime, same model, same threads, one run:
 * - throughput: frames/s of DetectEngine.detect() back to back on the main thread (raw) vs frames/s the
 *   pipeline completes with a camera twice as fast as the model (overload: the detector never waits);
 * - glass-to-GPIO: capture → GPIO write for each actuation, with the camera at half the model's rate (the
 *   detector is idle when a frame arrives, as on a board where the model keeps up), against preprocess +
 *   inference measured in the same run;
 * - event-loop lag p99 while inference runs (perf_hooks.monitorEventLoopDelay);
 * - frames dropped under overload.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { systemClock } from '../../src/agent/clock.ts';
import { systemTimers } from '../../src/agent/camera/capture-deps.ts';
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

async function rawThroughput(model: string, threads: number, frames: readonly Uint8Array[], width: number, height: number, seconds: number): Promise<{ fps: number; compute: number[] }> {
  const engine = await DetectEngine.open({ modelPath: model, threads, providers: ['cpu'] });
  try {
    for (let i = 0; i < 5; i++) await engine.detect({ data: frames[i % frames.length]!, width, height, format: 'i420' });
    const compute: number[] = [];
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000) {
      const { timings } = await engine.detect({ data: frames[n % frames.length]!, width, height, format: 'i420' });
      compute.push(timings.preprocessMs + timings.inferenceMs);
      n++;
    }
    return { fps: n / ((performance.now() - t0) / 1000), compute };
  } finally {
    await engine.close();
  }
}

interface PipelineRun {
  readonly fps: number;
  readonly dropped: number;
  readonly framesIn: number;
  readonly glassToGpio: number[];
  readonly compute: number[];
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

async function pipelineRun(model: string, threads: number, frames: readonly Uint8Array[], width: number, height: number, cameraFps: number, seconds: number): Promise<PipelineRun> {
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
  const lag = monitorEventLoopDelay({ resolution: 1 });
  await pipeline.start();
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  const before = { ...pipeline.counters };
  glassToGpio.length = 0;
  compute.length = 0;
  lag.enable();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  lag.disable();
  const after = { ...pipeline.counters };
  await pipeline.stop();
  await detector.stop();
  await actuator.stop();
  return {
    fps: (after.processed - before.processed) / elapsed,
    dropped: after.dropped - before.dropped,
    framesIn: after.framesIn - before.framesIn,
    glassToGpio,
    compute,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
  };
}

export async function benchPipeline(report: Report, o: PipelineBenchOptions): Promise<void> {
  const section = o.section ?? 'pipeline';
  const { width, height } = o.frame ?? { width: 640, height: 480 };
  const frames = replayFrames(width, height);
  const raw = await rawThroughput(o.model, o.threads, frames, width, height, o.seconds);
  const overload = await pipelineRun(o.model, o.threads, frames, width, height, raw.fps * 2, o.seconds);
  const paced = await pipelineRun(o.model, o.threads, frames, width, height, raw.fps / 2, o.seconds);
  const note = `${o.threads} thread(s), ${width}×${height} I420 frames`;
  report.add({ section, name: 'raw onnxruntime throughput (detect back to back)', unit: 'fps', summary: summarize([raw.fps]), note });
  report.add({ section, name: 'pipeline throughput, camera at 2× model rate', unit: 'fps', summary: summarize([overload.fps]), note });
  const ratio = overload.fps / raw.fps;
  report.ratio({ section, name: 'pipeline ÷ raw throughput', value: ratio, target: '≥ 0.95', met: ratio >= 0.95 });
  report.add({ section, name: 'frames dropped under 2× overload', unit: '%', summary: summarize([(100 * overload.dropped) / Math.max(1, overload.framesIn)]), note: `${overload.dropped} of ${overload.framesIn}` });
  const g = summarize(paced.glassToGpio);
  const c = summarize(paced.compute);
  const sorted = [...paced.glassToGpio].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  report.add({ section, name: 'preprocess + inference (camera at ½ model rate)', unit: 'ms', summary: c });
  report.add({ section, name: 'glass-to-GPIO (camera at ½ model rate)', unit: 'ms', summary: g, note: `p95 ${pct(95).toFixed(2)}, p99 ${pct(99).toFixed(2)}` });
  report.ratio({ section, name: 'glass-to-GPIO p50 ÷ (preprocess + inference) p50', value: g.median / c.median, target: '≤ 1.15', met: g.median / c.median <= 1.15 });
  report.add({ section, name: 'event-loop lag p99 during inference (overload run)', unit: 'ms', summary: summarize([overload.lagP99Ms]), note: `max ${overload.lagMaxMs.toFixed(1)} ms; paced run p99 ${paced.lagP99Ms.toFixed(1)} ms` });
  report.ratio({ section, name: 'event-loop lag p99 (ms) against 5 ms', value: overload.lagP99Ms, target: '≤ 5', met: overload.lagP99Ms <= 5 });
}
