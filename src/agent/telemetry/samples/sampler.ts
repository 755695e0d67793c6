/**
 * Samples end to end: the policy picks a frame (in `onResult`, synchronously: the frame is copied only
 * then), the encoder makes the JPEG off the frame path, the payload is assembled, and the hourly byte
 * budget is checked on its serialized size, the bytes that actually travel. What passes is handed to
 * `publish`; every sample lost on the way is counted by cause.
 *
 * Wiring (the composition root): `onRuleEvent` of a `fired` event calls `ruleFired()` and may put the id it
 * returns in the event's `sampleId`; `onResult(result, frame)` follows for the same frame. A capture-sample
 * command calls `captureNext()` and may reply with its id. An id so given names a sample that can still be
 * lost (encoder busy, budget spent for a rule sample, no frame): the store must accept a dangling `sampleId`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { errorMessage, isLookoutError, LookoutError } from '../../../errors.ts';
import { silentLogger, type Logger } from '../../../log.ts';
import type { ModelRef, SamplePayload } from '../../../protocol/index.ts';
import type { Clock } from '../../clock.ts';
import type { FrameResult } from '../../pipeline.ts';
import { ByteBudget } from './byte-budget.ts';
import { SampleEncoder, type EncodedSample } from './sample-encoder.ts';
import { buildSamplePayload, type SampleContext, type SyntheticTruthBox } from './sample-payload.ts';
import { SamplePolicy, type SampleReason } from './sample-policy.ts';
import type { SamplesConfig } from './schema.ts';

export interface SamplerDeps {
  readonly deviceId: string;
  readonly config: SamplesConfig;
  readonly clock: Clock;
  readonly model: () => ModelRef;
  /** A sample that passed the budget, with its JSON (so it is serialized once). */
  readonly publish: (payload: SamplePayload, json: string) => void;
  /** Seed of the audit draws; default random. */
  readonly seed?: number;
  /** Unique per device; default a random UUID. */
  readonly newId?: () => string;
  /** The synthetic camera's ground truth of a frame (by seq); leave out for real cameras. */
  readonly syntheticTruth?: (seq: number) => readonly SyntheticTruthBox[] | undefined;
  /** The scene's domain labels (lighting, background...) where they are known. */
  readonly domain?: () => Readonly<Record<string, string>> | undefined;
  readonly logger?: Logger;
  /** Largest JPEG; default the protocol's limit. */
  readonly maxJpegBytes?: number;
}

export interface SamplerStats {
  /** Frames the policy chose, by reason. */
  chosen: Record<SampleReason, number>;
  published: number;
  publishedBytes: number;
  dropped: {
    /** An encode was under way. */
    busy: number;
    /** The hourly byte budget was spent. */
    budget: number;
    /** The frame's pixels were not handed over (the detector kept the buffer). */
    noFrame: number;
    /** Over the size limit even at the lowest JPEG quality. */
    tooLarge: number;
    /** Encoding or publishing failed. */
    failed: number;
  };
}

export class Sampler {
  readonly stats: SamplerStats = {
    chosen: { uncertain: 0, audit: 0, rule: 0, command: 0 },
    published: 0,
    publishedBytes: 0,
    dropped: { busy: 0, budget: 0, noFrame: 0, tooLarge: 0, failed: 0 },
  };
  private readonly deps: SamplerDeps;
  private readonly policy: SamplePolicy;
  private readonly encoder: SampleEncoder;
  private readonly budget: ByteBudget;
  private readonly logger: Logger;
  private readonly newId: () => string;
  private reservedId: string | undefined;
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(deps: SamplerDeps) {
    const c = deps.config;
    this.deps = deps;
    this.policy = new SamplePolicy(c, deps.seed ?? randomInt(0x7fffffff));
    this.encoder = new SampleEncoder({ maxLongSide: c.maxLongSide, jpegQuality: c.jpegQuality, ...(deps.maxJpegBytes === undefined ? {} : { maxJpegBytes: deps.maxJpegBytes }) });
    this.budget = new ByteBudget(c.bytesPerHour);
    this.logger = deps.logger ?? silentLogger;
    this.newId = deps.newId ?? randomUUID;
  }

  /** A rule or command frame waiting for the encoder (copied: the pipeline reuses its buffer). */
  private held: { frame: Uint8Array; width: number; height: number; context: SampleContext } | undefined;
  /** Frames copied for encoding so far (one per sample taken, never one per frame). */
  get copies(): number {
    return this.encoder.stats.copies;
  }

  /** A rule fired on the frame whose result comes next. Returns the id its sample will carry. */
  ruleFired(): string | undefined {
    if (!this.deps.config.enabled || this.stopped) return undefined;
    this.policy.ruleFired();
    return (this.reservedId ??= this.newId());
  }

  /** A capture-sample command: the next frame is taken. Returns the id its sample will carry. */
  captureNext(): string {
    if (!this.deps.config.enabled) {
      throw new LookoutError('telemetry', 'SAMPLES_DISABLED', 'samples are disabled in this device\'s config', { where: 'telemetry.samples.enabled' });
    }
    this.policy.captureNext();
    return (this.reservedId ??= this.newId());
  }

  /** The pipeline's `onResult`. `frame` is valid only during this call: it is copied here when sampled. */
  onResult(result: FrameResult, frame: Uint8Array | undefined): void {
    if (!this.deps.config.enabled || this.stopped) return;
    const reason = this.policy.decide(result);
    const reserved = this.reservedId;
    this.reservedId = undefined;
    if (reason === null) return;
    this.stats.chosen[reason]++;
    if (frame === undefined) {
      this.stats.dropped.noFrame++;
      return;
    }
    const { clock } = this.deps;
    const truth = this.deps.syntheticTruth?.(result.seq);
    const domain = this.deps.domain?.();
    const context: SampleContext = {
      deviceId: this.deps.deviceId,
      id: (reason === 'rule' || reason === 'command' ? reserved : undefined) ?? this.newId(),
      // The frame's capture on the wall clock: now, less the frame's age on the monotonic clock.
      ts: clock.wallMs() - (clock.monoMs() - result.capturedAt),
      reason,
      model: this.deps.model(),
      detections: result.detections,
      ...(truth === undefined ? {} : { syntheticTruth: truth }),
      ...(domain === undefined ? {} : { domain }),
    };
    if (this.encode(frame, result.width, result.height, context)) return;
    // The encoder is busy (an uncertain or audit sample, usually). A rule's frame is the evidence its event
    // points at (the event carries its id): keep one such frame and encode it next rather than lose it.
    if ((reason === 'rule' || reason === 'command') && this.held === undefined) {
      this.held = { frame: frame.slice(), width: result.width, height: result.height, context };
      return;
    }
    this.stats.dropped.busy++;
  }

  /** Starts encoding; false when the encoder is busy. */
  private encode(frame: Uint8Array, width: number, height: number, context: SampleContext): boolean {
    const job = this.encoder.tryEncode(frame, width, height);
    if (job === undefined) return false;
    this.pending = job.then(
      (encoded) => {
        this.finish(encoded, context);
      },
      (e: unknown) => {
        this.fail(e, context);
      },
    ).then(() => {
      const held = this.held;
      this.held = undefined;
      if (held !== undefined && !this.encode(held.frame, held.width, held.height, held.context)) this.stats.dropped.busy++;
    });
    return true;
  }

  /** Resolves when the sample under way (if any) is published or dropped. */
  idle(): Promise<void> {
    return this.pending;
  }

  /** Takes no more frames and waits for the sample under way. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pending;
  }

  private finish(encoded: EncodedSample, context: SampleContext): void {
    try {
      const payload = buildSamplePayload(encoded, context);
      const json = JSON.stringify(payload);
      const bytes = Buffer.byteLength(json);
      // An operator's capture-sample is taken whatever the budget says; its bytes are still spent.
      if (!this.budget.take(bytes, this.deps.clock.monoMs(), context.reason === 'command')) {
        this.stats.dropped.budget++;
        return;
      }
      this.deps.publish(payload, json);
      this.stats.published++;
      this.stats.publishedBytes += bytes;
    } catch (e) {
      this.fail(e, context);
    }
  }

  private fail(e: unknown, context: SampleContext): void {
    if (isLookoutError(e) && e.code === 'SAMPLE_TOO_LARGE') {
      this.stats.dropped.tooLarge++;
      this.logger.warn({ id: context.id, err: e.message }, 'sample dropped: JPEG over the size limit');
      return;
    }
    this.stats.dropped.failed++;
    this.logger.error({ id: context.id, reason: context.reason, err: errorMessage(e), code: isLookoutError(e) ? e.code : undefined }, 'sample failed');
  }
}
