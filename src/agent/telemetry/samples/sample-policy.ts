/**
 * Which frames become samples. A pure function of the frame's result, a seeded random stream and the
 * policy's own memory (when the last sample was taken, whether a rule fired or a command asked):
 *
 *  1. `command`: a capture-sample command was received; the next frame is taken whatever else holds.
 *  2. `rule`: a rule fired on this frame (`ruleFired()` is called from the pipeline's `onRuleEvent`, which runs
 *     before `onResult` of the frame that fired it; a fired event only ever comes from a frame's step).
 *  3. `uncertain`: a detection scored inside [uncertainLow, uncertainHigh).
 *  4. `audit`: a random fraction of the other frames (all detections confident, or none), which catches
 *     confident mistakes and misses that uncertainty sampling never sees.
 *
 * Uncertain and audit samples keep `minIntervalS` from the last sample of any reason; rule and command
 * samples do not wait (they still reset the spacing). Time is the frame's monotonic capture time.
 */
import type { SAMPLE_REASONS } from '../../../protocol/index.ts';
import { Rng } from '../../camera/synthetic/prng.ts';
import type { FrameResult } from '../../pipeline.ts';
import type { SamplesConfig } from './schema.ts';

export type SampleReason = (typeof SAMPLE_REASONS)[number];

export type SamplePolicyOptions = Pick<SamplesConfig, 'uncertainLow' | 'uncertainHigh' | 'auditRate' | 'minIntervalS'>;

export class SamplePolicy {
  private readonly options: SamplePolicyOptions;
  private readonly rng: Rng;
  private lastSampleAt: number | undefined;
  private ruleFlag = false;
  private commandFlag = false;

  constructor(options: SamplePolicyOptions, seed: number) {
    this.options = options;
    this.rng = new Rng(seed);
  }

  /** A rule fired: the frame whose result comes next is taken as a `rule` sample. */
  ruleFired(): void {
    this.ruleFlag = true;
  }

  /** A capture-sample command: the next frame is taken as a `command` sample. */
  captureNext(): void {
    this.commandFlag = true;
  }

  /** The reason to sample this frame, or null. Consumes a pending rule or command flag. */
  decide(result: Pick<FrameResult, 'capturedAt' | 'detections'>): SampleReason | null {
    const reason = this.reason(result);
    this.ruleFlag = false;
    this.commandFlag = false;
    if (reason !== null) this.lastSampleAt = result.capturedAt;
    return reason;
  }

  private reason(result: Pick<FrameResult, 'capturedAt' | 'detections'>): SampleReason | null {
    if (this.commandFlag) return 'command';
    if (this.ruleFlag) return 'rule';
    if (this.lastSampleAt !== undefined && result.capturedAt - this.lastSampleAt < this.options.minIntervalS * 1000) return null;
    const { uncertainLow, uncertainHigh } = this.options;
    const detections = result.detections;
    for (let i = 0; i < detections.length; i++) {
      const score = detections[i]!.score;
      if (score >= uncertainLow && score < uncertainHigh) return 'uncertain';
    }
    // Drawn only for eligible frames, so one seed gives one sequence of audit picks for one stream of frames.
    return this.options.auditRate > 0 && this.rng.chance(this.options.auditRate) ? 'audit' : null;
  }
}
