/**
 * What goes into and comes out of the rules engine. Leaf module: the pipeline and telemetry import these.
 */
import type { Detection } from '../detect/types.ts';

/** The two clocks at one instant: monotonic for debounce, hold and max-on; wall for schedules. */
export interface RuleNow {
  readonly monoMs: number;
  readonly wallMs: number;
}

/** A detector result for one frame; boxes in that frame's pixels. */
export interface DetectionInput {
  readonly kind: 'detections';
  readonly detections: readonly Detection[];
  readonly frameWidth: number;
  readonly frameHeight: number;
}

/** No new frame: time passed (hold expiry, max-on cutoff, pulse end and schedule edges happen on ticks). */
export interface TickInput {
  readonly kind: 'tick';
}

export type RuleInput = DetectionInput | TickInput;

/** The desired logical state of one output (activeLow is the actuator's business). */
export interface OutputCommand {
  readonly output: string;
  readonly on: boolean;
}

export type RuleClearReason = 'hold-expired' | 'max-on' | 'disarmed' | 'disabled';

interface RuleEventBase {
  readonly rule: string;
  readonly output: string;
  /** The matching detections: of the firing frame, or of the last matching frame for a clear. */
  readonly detections: readonly Detection[];
  readonly monoMs: number;
  readonly wallMs: number;
}

export interface RuleFiredEvent extends RuleEventBase {
  readonly kind: 'fired';
}

export interface RuleClearedEvent extends RuleEventBase {
  readonly kind: 'cleared';
  readonly reason: RuleClearReason;
}

export type RuleEvent = RuleFiredEvent | RuleClearedEvent;
