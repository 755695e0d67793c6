/**
 * Wires the ports: camera → detector → rules → GPIO. One frame in flight in the detector worker, the newest
 * frame pending (latest-frame-wins), dropped frames counted; every actuation stamped with its glass-to-GPIO
 * latency (capture time → GPIO write completed, one monotonic clock). One timer, armed at the rules engine's
 * next deadline, makes hold expiry and max-on cutoffs happen between frames.
 *
 * Listeners (telemetry, printing) are called inside try/catch: a bug there never stops the actuator loop.
 */
import { errorMessage, isLookoutError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import type { TimerHandle, Timers } from '../util/timers.ts';
import type { Frame } from './camera/frame.ts';
import type { FrameSource } from './camera/frame-source.ts';
import type { Detection, DetectResult, Detector } from './detect/types.ts';
import type { Actuator } from './gpio/actuator.ts';
import { createRuleState, setRuleEnabled, stepRules, type RuleEvent, type RuleInput, type RuleSet, type RuleState } from './rules/index.ts';
import { PercentileWindow } from '../util/percentile-window.ts';

export interface FrameResult {
  readonly seq: number;
  readonly capturedAt: number;
  readonly width: number;
  readonly height: number;
  readonly detections: readonly Detection[];
  readonly timings: DetectResult['timings'];
  /** Monotonic time the result reached the pipeline. */
  readonly doneAt: number;
  /** Monotonic time the last GPIO write this frame caused completed, or null when it changed no output. */
  readonly gpioWriteAt: number | null;
}

export interface Actuation {
  readonly output: string;
  readonly on: boolean;
  /** Capture of the frame that caused it → write completed; null for time-driven changes (hold expiry, cutoff). */
  readonly glassToGpioMs: number | null;
  readonly atMs: number;
}

export interface PipelineListeners {
  /**
   * A frame's result. `frame` is the frame's I420 pixels, valid only during this synchronous call (the buffer
   * goes back to the camera's pool right after): copy what you keep. Undefined when the detector kept it.
   */
  onResult?(result: FrameResult, frame: Uint8Array | undefined): void;
  onRuleEvent?(event: RuleEvent, glassToGpioMs: number | null): void;
  onActuation?(actuation: Actuation): void;
  /** The detector failed on a frame (the pipeline goes on with the next one). */
  onDetectError?(error: unknown): void;
}

export interface PipelineDeps {
  readonly source: FrameSource;
  readonly detector: Detector;
  readonly actuator: Actuator;
  readonly rules: RuleSet;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly listeners?: PipelineListeners;
}

export interface PipelineCounters {
  framesIn: number;
  processed: number;
  dropped: number;
  detectErrors: number;
}

export class Pipeline {
  readonly counters: PipelineCounters = { framesIn: 0, processed: 0, dropped: 0, detectErrors: 0 };
  readonly glassToGpio = new PercentileWindow(2048);
  readonly inference = new PercentileWindow(2048);
  private readonly deps: PipelineDeps;
  private detector: Detector;
  /** Seq of the last frame handed to a detector. */
  private lastDispatched = -1;
  private ruleState: RuleState;
  private inFlight = false;
  private pending: Frame | undefined;
  private timer: TimerHandle | undefined;
  private running = false;
  private idle: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.detector = deps.detector;
    this.ruleState = createRuleState(deps.rules);
  }

  /** The detector the next frame goes to. */
  get currentDetector(): Detector {
    return this.detector;
  }

  /**
   * Gives the next frame to `next` instead (a model update or its rollback). Synchronous, so it falls between
   * two frames: a frame in flight finishes on the detector that has it; rule state, outputs and timers are
   * not touched. Returns the detector replaced (still running: its owner stops it) and the seq of the last
   * frame it was given.
   */
  swapDetector(next: Detector): { previous: Detector; lastSeq: number } {
    const previous = this.detector;
    this.detector = next;
    return { previous, lastSeq: this.lastDispatched };
  }

  /** Desired state of every output as the rules last commanded it. */
  get outputs(): Readonly<Record<string, boolean>> {
    return this.ruleState.outputs;
  }

  /** Each rule's live state, by name (the retained `state` topic and the dashboard show it). */
  ruleStates(): Record<string, { active: boolean; enabled: boolean }> {
    const out: Record<string, { active: boolean; enabled: boolean }> = {};
    this.deps.rules.rules.forEach((rule, i) => {
      const r = this.ruleState.rules[i];
      out[rule.config.name] = { active: r?.active ?? false, enabled: r?.enabled ?? rule.config.enabled };
    });
    return out;
  }

  /** Starts taking frames. The detector and actuator must already be started (the composition root's order). */
  async start(): Promise<void> {
    this.running = true;
    await this.deps.source.start((frame) => {
      this.onFrame(frame);
    });
  }

  /** Stops the camera, waits for the frame in flight, cancels the rules timer. Safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    await this.deps.source.stop();
    if (this.pending !== undefined) {
      this.deps.source.release(this.pending.data);
      this.pending = undefined;
    }
    if (this.inFlight) await new Promise<void>((resolve) => (this.idle = resolve));
    this.cancelTimer();
    await this.chain;
  }

  /** Enables or disables a rule at run time (a remote command); applies any output change at once. */
  async setRuleEnabled(name: string, enabled: boolean): Promise<void> {
    this.ruleState = setRuleEnabled(this.deps.rules, this.ruleState, name, enabled);
    await this.serialize(() => this.step({ kind: 'tick' }, null));
  }

  /**
   * Drives every output to its safe level and forgets what the rules held (the camera is lost: nothing the
   * rules saw is current any more). Rules start afresh with the next frame.
   */
  async forceSafe(reason: string): Promise<void> {
    await this.serialize(async () => {
      this.cancelTimer();
      await this.deps.actuator.safeState();
      this.ruleState = createRuleState(this.deps.rules);
      this.deps.logger.warn({ reason }, 'outputs driven to their safe level');
    });
  }

  private onFrame(frame: Frame): void {
    this.counters.framesIn++;
    if (!this.running) {
      this.deps.source.release(frame.data);
      return;
    }
    if (this.inFlight) {
      if (this.pending !== undefined) {
        this.counters.dropped++;
        this.deps.source.release(this.pending.data);
      }
      this.pending = frame;
      return;
    }
    void this.process(frame);
  }

  private async process(first: Frame): Promise<void> {
    this.inFlight = true;
    let frame: Frame | undefined = first;
    let running = this.detect(first);
    while (frame !== undefined) {
      const { width, height } = frame;
      const outcome = await running;
      // Hand the worker the newest pending frame before this result's rules, GPIO writes and listeners run:
      // its inference then overlaps the main thread's work on this one (still one frame in the worker).
      const next: Frame | undefined = this.running ? this.pending : undefined;
      this.pending = undefined;
      if (next !== undefined) running = this.detect(next);
      if (outcome.ok) {
        const result = outcome.result;
        try {
          await this.serialize(() => this.onDetected(result, width, height));
        } catch (e) {
          this.failed(e);
        } finally {
          if (result.frameData !== undefined) this.deps.source.release(result.frameData);
        }
      } else {
        this.failed(outcome.error);
      }
      frame = next;
    }
    this.inFlight = false;
    this.idle?.();
    this.idle = undefined;
  }

  /** detect() with its failure captured at once (a rejection must never wait unhandled while we work). */
  private detect(frame: Frame): Promise<{ ok: true; result: DetectResult } | { ok: false; error: unknown }> {
    this.lastDispatched = frame.seq;
    return this.detector.detect(frame).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  private failed(e: unknown): void {
    this.counters.detectErrors++;
    this.emit('onDetectError', e);
    // Rate-limit: 1st, 2nd, 4th, 8th... failure, never a line per frame.
    const n = this.counters.detectErrors;
    if ((n & (n - 1)) === 0) this.deps.logger.error({ err: errorMessage(e), code: isLookoutError(e) ? e.code : undefined, count: n }, 'detection failed');
  }

  private async onDetected(result: DetectResult, width: number, height: number): Promise<void> {
    this.counters.processed++;
    this.inference.record(result.timings.inferenceMs);
    const input: RuleInput = { kind: 'detections', detections: result.detections, frameWidth: width, frameHeight: height };
    const gpioWriteAt = await this.step(input, result.capturedAt);
    this.emit('onResult', {
      seq: result.seq,
      capturedAt: result.capturedAt,
      width,
      height,
      detections: result.detections,
      timings: result.timings,
      doneAt: this.deps.clock.monoMs(),
      gpioWriteAt,
    }, result.frameData);
  }

  /**
   * One rules step and its GPIO writes. Returns when the last write completed (null when none). Steps are
   * serialized (frames and timer ticks never interleave their writes).
   */
  private async step(input: RuleInput, capturedAt: number | null): Promise<number | null> {
    const now = { monoMs: this.deps.clock.monoMs(), wallMs: this.deps.clock.wallMs() };
    const { state, commands, events, nextDeadlineMs } = stepRules(this.deps.rules, this.ruleState, input, now);
    this.ruleState = state;
    let lastWrite: number | null = null;
    // Most frames change no output: allocate the latency map only when one does.
    const latencyByOutput = commands.length === 0 ? undefined : new Map<string, number | null>();
    for (const command of commands) {
      const writtenAt = await this.deps.actuator.set(command.output, command.on);
      lastWrite = writtenAt;
      const glassToGpioMs = capturedAt === null ? null : writtenAt - capturedAt;
      if (glassToGpioMs !== null) this.glassToGpio.record(glassToGpioMs);
      latencyByOutput?.set(command.output, glassToGpioMs);
      this.emit('onActuation', { output: command.output, on: command.on, glassToGpioMs, atMs: writtenAt });
    }
    for (const event of events) {
      this.emit('onRuleEvent', event, latencyByOutput?.get(event.output) ?? null);
    }
    this.armTimer(nextDeadlineMs);
    return lastWrite;
  }

  private armTimer(deadline: number | null): void {
    this.cancelTimer();
    if (deadline === null || !this.running) return;
    const delay = Math.max(0, deadline - this.deps.clock.monoMs());
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = undefined;
      void this.serialize(() => this.step({ kind: 'tick' }, null)).catch((e: unknown) => {
        this.deps.logger.error({ err: errorMessage(e) }, 'rules tick failed');
      });
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs `fn` after every step queued before it: rules state and GPIO writes change in one order. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private emit<K extends keyof PipelineListeners>(name: K, ...args: Parameters<NonNullable<PipelineListeners[K]>>): void {
    const listener = this.deps.listeners?.[name] as ((...a: unknown[]) => void) | undefined;
    if (listener === undefined) return;
    try {
      listener.apply(this.deps.listeners, args);
    } catch (e) {
      this.deps.logger.error({ listener: name, err: errorMessage(e) }, 'pipeline listener threw');
    }
  }
}
