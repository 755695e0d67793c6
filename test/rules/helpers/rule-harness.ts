/**
 * Drives the pure rules engine with a fake clock, the way the pipeline does: frames at their times, and one
 * tick at `nextDeadlineMs` whenever that comes before the next frame. Records every command and event.
 */
import type { BoxXYXY, Detection } from '../../../src/agent/detect/types.ts';
import {
  compileRules,
  createRuleState,
  ruleSchema,
  setRuleEnabled,
  stepRules,
  type RuleConfig,
  type RuleConfigInput,
  type RuleEvent,
  type RuleInput,
  type RuleSet,
  type RuleState,
  type StepResult,
} from '../../../src/agent/rules/index.ts';

export const FRAME_W = 640;
export const FRAME_H = 480;

export function makeRule(fields: Partial<RuleConfigInput> = {}): RuleConfig {
  return ruleSchema.parse({ name: 'gate', output: 'relay', ...fields });
}

export function detection(box: BoxXYXY = [200, 100, 300, 400], score = 0.9, label = 'person'): Detection {
  return { classId: 0, label, score, box };
}

export interface TimedCommand {
  readonly atMs: number;
  readonly output: string;
  readonly on: boolean;
}

export class RuleHarness {
  readonly rules: RuleSet;
  state: RuleState;
  monoMs: number;
  wallMs: number;
  nextDeadlineMs: number | null = null;
  readonly events: RuleEvent[] = [];
  readonly commands: TimedCommand[] = [];
  /** Every step's time and kind, for invariants that look back over frames. */
  readonly steps: { atMs: number; kind: 'frame' | 'tick'; matched?: boolean }[] = [];

  constructor(configs: readonly RuleConfig[], options: { timeZone?: string; wallMs?: number; monoMs?: number } = {}) {
    this.rules = compileRules(configs, { timeZone: options.timeZone ?? 'UTC' });
    this.state = createRuleState(this.rules);
    this.monoMs = options.monoMs ?? 1_000_000;
    this.wallMs = options.wallMs ?? Date.UTC(2025, 0, 6, 12, 0, 0); // a Monday
  }

  /** Moves both clocks; steps nothing. */
  advance(ms: number): void {
    this.monoMs += ms;
    this.wallMs += ms;
  }

  /** Moves both clocks to a monotonic time. */
  advanceTo(monoMs: number): void {
    this.advance(monoMs - this.monoMs);
  }

  step(input: RuleInput): StepResult {
    const result = stepRules(this.rules, this.state, input, { monoMs: this.monoMs, wallMs: this.wallMs });
    this.state = result.state;
    this.nextDeadlineMs = result.nextDeadlineMs;
    this.events.push(...result.events);
    for (const c of result.commands) this.commands.push({ atMs: this.monoMs, ...c });
    return result;
  }

  frame(detections: readonly Detection[], width = FRAME_W, height = FRAME_H): StepResult {
    this.steps.push({ atMs: this.monoMs, kind: 'frame' });
    return this.step({ kind: 'detections', detections, frameWidth: width, frameHeight: height });
  }

  tick(): StepResult {
    this.steps.push({ atMs: this.monoMs, kind: 'tick' });
    return this.step({ kind: 'tick' });
  }

  setEnabled(name: string, enabled: boolean): StepResult {
    this.state = setRuleEnabled(this.rules, this.state, name, enabled);
    return this.tick();
  }

  /** Ticks at every deadline up to and including `untilMs`. */
  tickUntil(untilMs: number): void {
    while (this.nextDeadlineMs !== null && this.nextDeadlineMs <= untilMs) {
      const deadline = this.nextDeadlineMs;
      this.advanceTo(Math.max(deadline, this.monoMs));
      const next = this.tick().nextDeadlineMs;
      if (next !== null && next <= deadline) {
        throw new Error(`deadline ${deadline} did not move on after its tick (got ${next})`);
      }
    }
  }

  /**
   * Runs for `durationMs`: a frame every `intervalMs` (plus an optional jitter per frame), ticks at deadlines in
   * between, like the pipeline's single timer.
   */
  run(
    durationMs: number,
    intervalMs: number,
    detectionsAt: (monoMs: number) => readonly Detection[],
    jitterMs: () => number = () => 0,
  ): void {
    const end = this.monoMs + durationMs;
    let nextFrame = this.monoMs + intervalMs;
    while (nextFrame <= end) {
      this.tickUntil(nextFrame);
      this.advanceTo(nextFrame);
      this.frame(detectionsAt(this.monoMs));
      nextFrame += Math.max(1, intervalMs + jitterMs());
    }
    this.tickUntil(end);
    this.advanceTo(end);
  }

  isOn(output = 'relay'): boolean {
    return this.state.outputs[output] === true;
  }

  /** [start, end) intervals during which the output was commanded on; an open interval ends at `untilMs`. */
  onIntervals(output = 'relay', untilMs = this.monoMs): [number, number][] {
    const intervals: [number, number][] = [];
    let start: number | null = null;
    for (const c of this.commands) {
      if (c.output !== output) continue;
      if (c.on && start === null) start = c.atMs;
      if (!c.on && start !== null) {
        intervals.push([start, c.atMs]);
        start = null;
      }
    }
    if (start !== null) intervals.push([start, untilMs]);
    return intervals;
  }

  eventsOf(kind: RuleEvent['kind']): RuleEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }
}
