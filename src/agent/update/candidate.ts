/**
 * The new model's second detector, beside the running one: started with the running detector's options and
 * the new file (`verify`), then run on recent camera frames (`warm-up`). Nothing here touches the pipeline;
 * any failure leaves the old model alone and the candidate stopped.
 */
import { LookoutError, errorMessage, isLookoutError } from '../../errors.ts';
import type { Manifest } from '../../protocol/manifest.ts';
import type { Clock } from '../clock.ts';
import type { OnnxDetectorOptions } from '../detect/onnx-detector.ts';
import type { DetectorInfo } from '../detect/types.ts';
import type { RecordedFrame } from './frame-recorder.ts';
import { checkInput, checkRulesKeepTheirClasses, type RuleClasses } from './model-checks.ts';
import { detectorOptionsFor, type CreateDetector, type ManagedDetector } from './startup-model.ts';

/** The worker died (as opposed to the model failing to load or run in a live worker). */
function workerDied(e: unknown): boolean {
  return isLookoutError(e) && e.subsystem === 'inference' && (e.code === 'WORKER_CRASHED' || e.code === 'WORKER_EXITED');
}

function asUpdateError(e: unknown, what: string, where: string): LookoutError {
  const code = workerDied(e) ? 'WORKER_CRASHED' : 'LOAD_FAILED';
  const cause = isLookoutError(e) ? ` [${e.code}]` : '';
  return new LookoutError('update', code, `${what}: ${errorMessage(e)}${cause}`, { where, cause: e });
}

/**
 * Place of a provider in the configured preference order, cpu always last (the order execution-providers.ts
 * tries them in; not imported from there, which would load onnxruntime into the main thread).
 */
function providerRank(providers: readonly string[], provider: string): number {
  const order = [...providers.map((p) => p.trim().toLowerCase()).filter((p) => p !== 'cpu'), 'cpu'];
  const i = order.indexOf(provider);
  return i === -1 ? order.length : i;
}

export interface CandidateRequest {
  readonly create: CreateDetector;
  readonly base: OnnxDetectorOptions;
  readonly path: string;
  readonly manifest: Manifest;
  readonly rules: readonly RuleClasses[];
  /** The running detector: the new one must not land on a less preferred provider. */
  readonly running: DetectorInfo;
}

/** Starts and checks the candidate; on any failure it is stopped again and the error thrown. */
export async function startCandidate(r: CandidateRequest): Promise<{ detector: ManagedDetector; info: DetectorInfo }> {
  const detector = r.create(detectorOptionsFor(r.base, { path: r.path, labels: r.manifest.labels }));
  let info: DetectorInfo;
  try {
    info = await detector.start();
  } catch (e) {
    await detector.stop().catch(() => undefined);
    throw asUpdateError(e, 'new model does not load', r.path);
  }
  try {
    checkInput(info, r.manifest);
    checkRulesKeepTheirClasses(r.rules, info.model.labels);
    const providers = r.base.providers ?? ['cpu'];
    // A model the preferred provider cannot run falls back (to cpu, say): it would run, slower than it must.
    if (providerRank(providers, info.provider) > providerRank(providers, r.running.provider)) {
      throw new LookoutError('update', 'PROVIDER_FALLBACK', `new model runs on ${info.provider}; the running one on ${r.running.provider}`, { where: r.path });
    }
  } catch (e) {
    await detector.stop();
    throw e;
  }
  return { detector, info };
}

/** Runs the candidate on the recorded frames, one at a time; returns its inference milliseconds per frame. */
export async function warmUp(detector: ManagedDetector, frames: readonly RecordedFrame[], clock: Clock, where: string): Promise<number[]> {
  const latencies: number[] = [];
  for (const [i, recorded] of frames.entries()) {
    // detect() transfers the buffer to the worker: hand it a copy, the recording stays whole.
    const frame = { data: recorded.data.slice(), width: recorded.width, height: recorded.height, format: recorded.format, capturedAt: clock.monoMs(), seq: i };
    try {
      latencies.push((await detector.detect(frame)).timings.inferenceMs);
    } catch (e) {
      throw asUpdateError(e, `new model failed on warm-up frame ${i + 1} of ${frames.length}`, where);
    }
  }
  return latencies;
}
