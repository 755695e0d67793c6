/**
 * The device side of a model update, one manifest at a time (the newest waiting one next):
 *
 *   received → downloading → downloaded → verified → warming → swapped → probation → committed
 *   (rejected | failed | rolled-back, each with a code, at any step)
 *
 * Every step is reported as an `update` message. The old model runs until the swap and stays warm through
 * probation; a refusal at any step leaves it running. Nothing throws out of here: the updater lives beside
 * the actuator loop and must never take it down.
 */
import type { KeyObject } from 'node:crypto';
import { LookoutError, errorMessage, isLookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Manifest } from '../../protocol/manifest.ts';
import type { UpdatePayload } from '../../protocol/update.ts';
import { cancellableSleep, type TimerHandle, type Timers } from '../../util/timers.ts';
import type { Clock } from '../clock.ts';
import type { OnnxDetectorOptions } from '../detect/onnx-detector.ts';
import type { Detector, DetectorInfo } from '../detect/types.ts';
import type { PipelineListeners } from '../pipeline.ts';
import { checkRequest, claimedIdentity, compareVersion, verifyPayload } from './admission.ts';
import { startCandidate, warmUp } from './candidate.ts';
import { downloadStep } from './download-step.ts';
import { FrameRecorder } from './frame-recorder.ts';
import { checkModelFile, type RuleClasses } from './model-checks.ts';
import type { InstalledModel, ModelStore } from './model-store.ts';
import { judgeProbation } from './probation.ts';
import { ResultHistory, p95, type PerformanceSummary } from './result-history.ts';
import type { UpdateConfig } from './schema.ts';
import { Refusals } from './refusals.ts';
import type { CreateDetector, StartedModel } from './startup-model.ts';
import { UpdateReporter, type UpdateIdentity } from './update-reporter.ts';

export interface SwapResult {
  /** The detector the pipeline used until now. */
  readonly previous: Detector;
  /** Seq of the last frame it was given: later results are the new detector's. */
  readonly lastSeq: number;
}

export interface RunningModel {
  readonly model: InstalledModel;
  readonly info: DetectorInfo;
}

export interface ModelUpdaterDeps {
  readonly config: UpdateConfig;
  readonly deviceId: string;
  readonly store: ModelStore;
  readonly trustedKeys: ReadonlyMap<string, KeyObject>;
  readonly rules: readonly RuleClasses[];
  /** The configured detector's options: a new model runs with the same ones. */
  readonly detectorOptions: OnnxDetectorOptions;
  readonly createDetector: CreateDetector;
  readonly running: () => RunningModel;
  /** Makes the pipeline give its next frame to `next` (Pipeline.swapDetector). */
  readonly swap: (next: Detector) => SwapResult;
  /** The new model passed probation: from now on the caller owns its detector (and stops it). */
  readonly adopt: (committed: StartedModel) => void;
  readonly publish: (payload: UpdatePayload) => void;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** First pause between broken download attempts; default 1 s. */
  readonly retryBaseMs?: number;
}

type Identity = UpdateIdentity;
type Outcome = Extract<UpdatePayload['state'], 'rejected' | 'failed' | 'rolled-back'>;

/** How long the warm-up waits for the camera to deliver its frames. */
const FRAMES_WAIT_MS = 60_000;
/** A transient failure is tried again after this, doubling per failure up to the maximum. */
const RETRY_MIN_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;
/** Failures that may pass by themselves: the same manifest is tried again later. */
const TRANSIENT: ReadonlySet<string> = new Set(['DOWNLOAD_FAILED', 'NO_SPACE', 'IO_FAILED', 'INTERNAL', 'NO_FRAMES']);

function codeOf(e: unknown): string {
  if (isLookoutError(e) && e.subsystem === 'update') return e.code;
  // A Node system error (ENOSPC, EACCES, EIO...) from the model folder.
  if (e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string') return 'IO_FAILED';
  return 'INTERNAL';
}

const msText = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} ms`);
const fpsText = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(1)} fps`);

export class ModelUpdater {
  private readonly frames = new FrameRecorder();
  private readonly history = new ResultHistory();
  private readonly abort = new AbortController();
  private pending: string | undefined;
  private current: string | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;
  /** The last payload that reached a final outcome: a retained redelivery of it changes nothing. */
  private settled: string | undefined;
  private readonly refusals: Refusals;
  private readonly reporter: UpdateReporter;
  private retry: { text: string; failures: number; handle: TimerHandle | undefined } | undefined;
  private onCrash: ((error: unknown) => void) | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: ModelUpdaterDeps) {
    this.refusals = new Refusals(deps.store, deps.logger);
    this.reporter = new UpdateReporter(deps.deviceId, deps.publish, deps.clock, deps.logger);
  }

  /** Reads what earlier runs refused. */
  async start(): Promise<void> {
    try {
      await this.deps.store.ensureDirs();
      await this.refusals.load();
    } catch (e) {
      this.deps.logger.error({ err: errorMessage(e) }, 'model folder not usable; updates will fail');
    }
  }

  /** A message on the group's model topic (retained: on every connection, and whenever the cloud publishes). */
  offer(payload: Uint8Array): void {
    try {
      if (this.stopped) return;
      const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
      // An empty retained message clears the topic: no desired model, nothing to do.
      if (text === '' || text === this.settled || text === this.current || text === this.pending) return;
      if (this.retry?.text === text && this.retry.handle !== undefined) {
        this.deps.timers.clearTimeout(this.retry.handle);
        this.retry.handle = undefined;
      }
      this.pending = text;
      this.pump();
    } catch (e) {
      this.deps.logger.error({ err: errorMessage(e) }, 'model manifest not handled');
    }
  }

  /** Feeds the updater from the pipeline: results (performance, warm-up frames) and detector failures. */
  listeners(): PipelineListeners {
    return {
      onResult: (result, frame) => {
        this.history.record(result.seq, result.doneAt, result.timings.inferenceMs);
        this.frames.offer(result.width, result.height, frame);
      },
      onDetectError: (error) => {
        this.onCrash?.(error);
      },
    };
  }

  /** Breaks off whatever runs (the old model stays, the candidate stops) and waits for it. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = undefined;
    if (this.retry?.handle !== undefined) this.deps.timers.clearTimeout(this.retry.handle);
    this.retry = undefined;
    this.abort.abort();
    this.wake?.();
    this.frames.disarm();
    await this.busy;
  }

  private pump(): void {
    if (this.busy !== undefined || this.pending === undefined || this.stopped) return;
    const text = this.pending;
    this.pending = undefined;
    this.current = text;
    this.busy = this.handle(text)
      .catch((e: unknown) => {
        this.deps.logger.error({ err: errorMessage(e) }, 'model update failed unexpectedly');
      })
      .finally(() => {
        this.current = undefined;
        this.busy = undefined;
        this.pump();
      });
  }

  private async handle(text: string): Promise<void> {
    const { deps } = this;
    let manifest: Manifest;
    let direction: ReturnType<typeof compareVersion>;
    const running = deps.running();
    try {
      manifest = verifyPayload(text, deps.trustedKeys, new Date(deps.clock.wallMs()));
      direction = compareVersion(manifest, running.model.version);
    } catch (e) {
      this.finish(text, claimedIdentity(text), 'rejected', e);
      return;
    }
    const id: Identity = { name: manifest.name, version: manifest.version };
    if (direction === 'same') {
      this.settled = text;
      deps.logger.debug({ version: manifest.version }, 'manifest names the running version');
      return;
    }
    const { refusal, seen } = this.refusals.check(manifest);
    if (refusal !== undefined || seen) {
      this.settled = text;
      if (refusal !== undefined) this.reporter.report(id, 'rejected', { code: 'REFUSED_BEFORE', detail: `this model failed here before (${refusal.code})` });
      return;
    }
    try {
      await checkRequest(manifest, { rules: deps.rules, allowInsecureHttp: deps.config.allowInsecureHttp, store: deps.store });
    } catch (e) {
      this.finish(text, id, 'rejected', e, manifest);
      return;
    }
    this.reporter.report(id, 'received', { detail: `${direction === 'rollback' ? 'rollback' : 'update'} from ${running.model.name} v${running.model.version}` });
    await this.install(text, manifest, running);
  }

  private async install(text: string, manifest: Manifest, running: RunningModel): Promise<void> {
    const { deps } = this;
    const { config, clock, store } = deps;
    const id: Identity = { name: manifest.name, version: manifest.version };
    const path = store.finalPath(manifest.name, manifest.version);
    let candidate: StartedModel | undefined;
    let swapped: (SwapResult & { back: boolean }) | undefined;
    let committed = false;
    try {
      await downloadStep(manifest, path, { config, store, reporter: this.reporter, timers: deps.timers, logger: deps.logger, signal: this.abort.signal, retryBaseMs: deps.retryBaseMs });
      await this.coveredFor(config.probationS * 1000);
      // Copies of the newest frames for the warm-up, taken only now: no copying per frame during a download.
      this.checkStopped();
      this.frames.arm(config.warmupFrames);
      if (!(await this.frames.waitFor(config.warmupFrames, FRAMES_WAIT_MS, deps.timers))) {
        this.checkStopped();
        throw new LookoutError('update', 'NO_FRAMES', `the camera delivered fewer than ${config.warmupFrames} frames in ${FRAMES_WAIT_MS / 1000} s`);
      }
      this.checkStopped();
      // The old model's figures, from before a second detector competes with it for the CPU.
      const baselineEnd = clock.monoMs();
      const before = this.history.summary(baselineEnd - config.probationS * 1000, baselineEnd);

      await checkModelFile(path, manifest);
      const started = await startCandidate({ create: deps.createDetector, base: deps.detectorOptions, path, manifest, rules: deps.rules, running: running.info });
      candidate = { detector: started.detector, info: started.info, model: { name: manifest.name, version: manifest.version, path, sha256: manifest.sha256, labels: [...manifest.labels] } };
      this.checkStopped();
      this.reporter.report(id, 'verified', { detail: `${started.info.provider}, input ${started.info.model.inputWidth}x${started.info.model.inputHeight}, ${started.info.model.labels.length} classes` });

      const recorded = this.frames.frames();
      this.reporter.report(id, 'warming', { detail: `${recorded.length} recent frames` });
      const latencies = await warmUp(candidate.detector, recorded, clock, path);
      this.frames.disarm();
      this.checkStopped();

      swapped = { ...deps.swap(candidate.detector), back: false };
      const swap = swapped;
      this.history.clear();
      const swapAt = clock.monoMs();
      this.reporter.report(id, 'swapped', {
        detail: `warm-up p95 ${msText(p95(latencies))} over ${latencies.length} frames; old model p95 ${msText(before.p95InferenceMs)} at ${fpsText(before.fps)}`,
      });
      this.reporter.report(id, 'probation', { detail: `${config.probationS} s; old model kept warm` });
      const crash = await this.probation(config.probationS * 1000, () => {
        if (swap.back) return;
        swap.back = true;
        deps.swap(swap.previous);
      });
      this.checkStopped();
      if (crash !== undefined) throw new LookoutError('update', 'CRASHED', `new model failed on a frame: ${errorMessage(crash.error)}`, { cause: crash.error });
      const after = this.history.summary(swapAt, clock.monoMs(), swap.lastSeq);
      const verdict = judgeProbation(before, after, config, config.probationS);
      if (verdict !== undefined) throw new LookoutError('update', verdict.code, verdict.detail);
      await this.commit(id, candidate, running, swap.previous, before, after);
      committed = true;
      this.settled = text;
      this.retry = undefined;
    } catch (e) {
      if (!committed) {
        if (swapped !== undefined && !swapped.back) {
          swapped.back = true;
          deps.swap(swapped.previous);
        }
        // The refused model's figures must not count as the old model's in the next update's comparison.
        if (swapped !== undefined) this.history.clear();
        await candidate?.detector.stop().catch((err: unknown) => {
          deps.logger.error({ err: errorMessage(err) }, 'new model\'s detector did not stop cleanly');
        });
      }
      this.finish(text, id, swapped === undefined ? 'failed' : 'rolled-back', e, manifest);
    } finally {
      this.frames.disarm();
      this.onCrash = undefined;
      this.wake = undefined;
    }
  }

  /**
   * Waits until the results held span `ms` (as long as probation: the figures compared are then measured over
   * windows of one length). Right after a start or a swap this takes a while; on a device that has been
   * running it returns at once.
   */
  private async coveredFor(ms: number): Promise<void> {
    const { clock, timers } = this.deps;
    const deadline = clock.monoMs() + FRAMES_WAIT_MS + ms;
    for (;;) {
      this.checkStopped();
      const now = clock.monoMs();
      const oldest = this.history.oldestAt();
      if (oldest !== undefined && (now - oldest >= ms || this.history.full)) return;
      if (now > deadline) throw new LookoutError('update', 'NO_FRAMES', `the old model finished no frame for ${Math.round(ms / 1000)} s to measure it by`);
      const wait = cancellableSleep(timers, oldest === undefined ? 250 : Math.min(1000, ms - (now - oldest) + 1));
      this.wake = wait.cancel;
      await wait.done;
      this.wake = undefined;
    }
  }

  /** Waits out probation; resolves early with the error when the new detector fails on a frame. */
  private probation(ms: number, swapBack: () => void): Promise<{ error: unknown } | undefined> {
    return new Promise((resolve) => {
      const finish = (crash: { error: unknown } | undefined): void => {
        this.deps.timers.clearTimeout(handle);
        this.onCrash = undefined;
        this.wake = undefined;
        resolve(crash);
      };
      const handle = this.deps.timers.setTimeout(() => {
        finish(undefined);
      }, ms);
      this.onCrash = (error) => {
        // Back to the old detector at once, inside the pipeline's callback: the next frame already goes there.
        swapBack();
        finish({ error });
      };
      this.wake = () => {
        finish(undefined);
      };
    });
  }

  private async commit(id: Identity, candidate: StartedModel, running: RunningModel, previous: Detector, before: PerformanceSummary, after: PerformanceSummary): Promise<void> {
    const { store, logger } = this.deps;
    try {
      await store.writeActive({ current: candidate.model, previous: running.model });
    } catch (e) {
      throw new LookoutError('update', 'IO_FAILED', `active.json not written: ${errorMessage(e)}`, { where: store.activePath, cause: e });
    }
    // From here the new model is the device's: a restart runs it.
    try {
      this.deps.adopt(candidate);
    } catch (e) {
      logger.error({ err: errorMessage(e) }, 'committed model not adopted by the agent');
    }
    await previous.stop().catch((e: unknown) => {
      logger.error({ err: errorMessage(e) }, 'old model\'s detector did not stop cleanly');
    });
    let removed: string[] = [];
    try {
      removed = await store.prune([candidate.model.path, running.model.path]);
    } catch (e) {
      logger.warn({ err: errorMessage(e) }, 'old model files not removed');
    }
    this.reporter.report(id, 'committed', {
      detail: `p95 inference ${msText(after.p95InferenceMs)} (was ${msText(before.p95InferenceMs)}), ${fpsText(after.fps)} (was ${fpsText(before.fps)}); previous kept: ${running.model.name} v${running.model.version}; ${removed.length} old file(s) removed`,
    });
  }

  private checkStopped(): void {
    if (this.stopped) throw new LookoutError('update', 'STOPPED', 'the agent is stopping');
  }

  /** Reports a refusal, remembers it, and schedules another try when it may pass by itself. */
  private finish(text: string, id: Identity, state: Outcome, e: unknown, manifest?: Manifest): void {
    const code = codeOf(e);
    this.reporter.report(id, state, { code, detail: errorMessage(e) });
    if (code === 'STOPPED') return;
    if (TRANSIENT.has(code)) {
      this.settled = undefined;
      const failures = this.retry?.text === text ? this.retry.failures + 1 : 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
      const handle = this.deps.timers.setTimeout(() => {
        if (this.retry !== undefined) this.retry.handle = undefined;
        this.offer(Buffer.from(text, 'utf8'));
      }, delay);
      this.retry = { text, failures, handle };
      return;
    }
    this.settled = text;
    if (manifest !== undefined) this.refusals.remember(manifest, code, Math.round(this.deps.clock.wallMs()));
  }
}
