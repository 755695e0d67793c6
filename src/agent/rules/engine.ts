/**
 * The rules engine: a pure function of (rules, state, input, now). No IO, no timers, no clock reads: the
 * pipeline passes `now` and schedules one timer at `nextDeadlineMs`, so hold expiry, max-on cutoff, pulse ends
 * and schedule edges happen between frames too.
 *
 * Per rule, per step:
 *   1. time-based clears on the state as it was (disabled, disarmed, max-on, hold-expired, in that order);
 *      a rule that clears ignores the rest of the step, so a cutoff always reaches the output;
 *   2. for a frame: matches count only while enabled, armed and past the cooldown (which starts at the release,
 *      so even with cooldownMs 0 a frame at the release instant does not count); `framesToFire` consecutive
 *      matching frames fire; while active, each matching frame restarts the hold.
 * Outputs are the OR of the rules driving them; commands are emitted only for outputs whose state changed.
 */
import type { Detection } from '../detect/types.ts';
import { LookoutError } from '../../errors.ts';
import type { CompiledRule, RuleSet } from './compile.ts';
import { matchingDetections } from './match.ts';
import { isArmedAt, nextScheduleEdge } from './schedule.ts';
import type { OutputCommand, RuleClearReason, RuleEvent, RuleInput, RuleNow } from './types.ts';

export interface RuleRuntime {
  readonly enabled: boolean;
  readonly active: boolean;
  /** Consecutive matching frames while not active. */
  readonly streak: number;
  readonly firedAtMs: number;
  readonly lastMatchMs: number;
  readonly cooldownUntilMs: number;
  /** Monotonic end of the running pulse (action "pulse"); -Infinity when none. */
  readonly pulseUntilMs: number;
  /** The latest matching detections. */
  readonly detections: readonly Detection[];
  /** Schedule cache: `armed` holds for wall times in [armedFromWallMs, armedUntilWallMs). */
  readonly armed: boolean;
  readonly armedFromWallMs: number;
  readonly armedUntilWallMs: number;
}

export interface RuleState {
  /** Aligned with `RuleSet.rules`. */
  readonly rules: readonly RuleRuntime[];
  /** Desired logical state per output, as last commanded. */
  readonly outputs: Readonly<Record<string, boolean>>;
}

export interface StepResult {
  readonly state: RuleState;
  /** Outputs whose desired state changed in this step. */
  readonly commands: readonly OutputCommand[];
  readonly events: readonly RuleEvent[];
  /** Monotonic time at which a tick is next needed; null when nothing is pending. */
  readonly nextDeadlineMs: number | null;
}

const NEVER = Number.NEGATIVE_INFINITY;

export function createRuleState(rules: RuleSet): RuleState {
  return {
    rules: rules.rules.map((rule) => ({
      enabled: rule.config.enabled,
      active: false,
      streak: 0,
      firedAtMs: NEVER,
      lastMatchMs: NEVER,
      cooldownUntilMs: NEVER,
      pulseUntilMs: NEVER,
      detections: [],
      // Unscheduled rules are always armed; scheduled ones compute on their first step (empty cache range).
      armed: rule.schedule === null,
      armedFromWallMs: rule.schedule === null ? NEVER : Number.POSITIVE_INFINITY,
      armedUntilWallMs: rule.schedule === null ? Number.POSITIVE_INFINITY : NEVER,
    })),
    outputs: Object.fromEntries(rules.outputs.map((output) => [output, false])),
  };
}

/**
 * Enables or disables a rule (a remote command). Pure: returns the new state. Follow it with
 * `stepRules(rules, state, { kind: 'tick' }, now)`: that step clears an active rule with reason "disabled"
 * and emits the output change.
 */
export function setRuleEnabled(rules: RuleSet, state: RuleState, name: string, enabled: boolean): RuleState {
  const index = rules.rules.findIndex((rule) => rule.config.name === name);
  const runtime = state.rules[index];
  if (runtime === undefined) {
    throw new LookoutError('config', 'UNKNOWN_RULE', `no rule named "${name}"`, { where: name });
  }
  if (runtime.enabled === enabled) return state;
  return { ...state, rules: state.rules.map((r, i) => (i === index ? { ...r, enabled } : r)) };
}

function refreshArmed(rule: CompiledRule, runtime: RuleRuntime, wallMs: number): RuleRuntime {
  const schedule = rule.schedule;
  if (schedule === null) return runtime;
  if (wallMs >= runtime.armedFromWallMs && wallMs < runtime.armedUntilWallMs) return runtime;
  return {
    ...runtime,
    armed: isArmedAt(schedule, wallMs),
    armedFromWallMs: wallMs,
    armedUntilWallMs: nextScheduleEdge(schedule, wallMs),
  };
}

function dueClear(rule: CompiledRule, runtime: RuleRuntime, monoMs: number): RuleClearReason | null {
  if (!runtime.enabled) return 'disabled';
  if (!runtime.armed) return 'disarmed';
  if (monoMs >= runtime.firedAtMs + rule.config.maxOnMs) return 'max-on';
  if (monoMs >= runtime.lastMatchMs + rule.config.holdMs) return 'hold-expired';
  return null;
}

function stepRule(
  rule: CompiledRule,
  previous: RuleRuntime,
  input: RuleInput,
  now: RuleNow,
  events: RuleEvent[],
): RuleRuntime {
  let runtime = refreshArmed(rule, previous, now.wallMs);
  const config = rule.config;

  if (runtime.active) {
    const reason = dueClear(rule, runtime, now.monoMs);
    if (reason !== null) {
      events.push({
        kind: 'cleared',
        reason,
        rule: config.name,
        output: config.output,
        detections: runtime.detections,
        monoMs: now.monoMs,
        wallMs: now.wallMs,
      });
      // A pulse outlives its rule only when the object left (hold expiry): disable, disarm and max-on cut it.
      return {
        ...runtime,
        active: false,
        streak: 0,
        cooldownUntilMs: now.monoMs + config.cooldownMs,
        pulseUntilMs: reason === 'hold-expired' ? runtime.pulseUntilMs : NEVER,
      };
    }
  }

  if (!runtime.enabled || !runtime.armed) {
    if (runtime.streak !== 0 || runtime.pulseUntilMs > now.monoMs) {
      runtime = { ...runtime, streak: 0, pulseUntilMs: NEVER };
    }
    return runtime;
  }
  if (input.kind === 'tick') return runtime;
  // Strictly after: a frame at the very instant of a release (cooldownMs 0) must not undo the release.
  if (now.monoMs <= runtime.cooldownUntilMs) return runtime.streak === 0 ? runtime : { ...runtime, streak: 0 };

  const matches = matchingDetections(rule, input.detections, input.frameWidth, input.frameHeight);
  const isMatch = matches.length >= config.minCount;
  if (runtime.active) {
    return isMatch ? { ...runtime, lastMatchMs: now.monoMs, detections: matches } : runtime;
  }
  if (!isMatch) return runtime.streak === 0 ? runtime : { ...runtime, streak: 0 };
  const streak = runtime.streak + 1;
  if (streak < config.framesToFire) return { ...runtime, streak };
  events.push({
    kind: 'fired',
    rule: config.name,
    output: config.output,
    detections: matches,
    monoMs: now.monoMs,
    wallMs: now.wallMs,
  });
  return {
    ...runtime,
    active: true,
    streak,
    firedAtMs: now.monoMs,
    lastMatchMs: now.monoMs,
    detections: matches,
    pulseUntilMs: config.action === 'pulse' ? now.monoMs + config.pulseMs : runtime.pulseUntilMs,
  };
}

function drivesOutput(rule: CompiledRule, runtime: RuleRuntime, monoMs: number): boolean {
  switch (rule.config.action) {
    case 'on':
      return runtime.active;
    case 'pulse':
      return monoMs < runtime.pulseUntilMs;
  }
}

function nextDeadline(rules: RuleSet, runtimes: readonly RuleRuntime[], now: RuleNow): number | null {
  let deadline = Number.POSITIVE_INFINITY;
  rules.rules.forEach((rule, i) => {
    const runtime = runtimes[i]!;
    const pulsing = runtime.pulseUntilMs > now.monoMs;
    if (runtime.active) {
      deadline = Math.min(deadline, runtime.firedAtMs + rule.config.maxOnMs, runtime.lastMatchMs + rule.config.holdMs);
    }
    if (pulsing) deadline = Math.min(deadline, runtime.pulseUntilMs);
    // A schedule edge matters only to something on: it disarms (arming alone changes no output).
    if ((runtime.active || pulsing) && rule.schedule !== null) {
      deadline = Math.min(deadline, now.monoMs + (runtime.armedUntilWallMs - now.wallMs));
    }
  });
  return Number.isFinite(deadline) ? deadline : null;
}

export function stepRules(rules: RuleSet, state: RuleState, input: RuleInput, now: RuleNow): StepResult {
  if (state.rules.length !== rules.rules.length) {
    throw new Error('rule state does not belong to this rule set (create it with createRuleState)');
  }
  if (input.kind === 'detections' && !(input.frameWidth > 0 && input.frameHeight > 0)) {
    throw new LookoutError(
      'inference',
      'BAD_FRAME_SIZE',
      `frame size ${input.frameWidth}x${input.frameHeight} is not positive`,
      { where: 'frameWidth/frameHeight' },
    );
  }
  const events: RuleEvent[] = [];
  const runtimes = rules.rules.map((rule, i) => stepRule(rule, state.rules[i]!, input, now, events));

  const outputs: Record<string, boolean> = {};
  for (const output of rules.outputs) outputs[output] = false;
  rules.rules.forEach((rule, i) => {
    if (drivesOutput(rule, runtimes[i]!, now.monoMs)) outputs[rule.config.output] = true;
  });
  const commands = rules.outputs
    .filter((output) => outputs[output] !== state.outputs[output])
    .map((output) => ({ output, on: outputs[output] === true }));

  return { state: { rules: runtimes, outputs }, commands, events, nextDeadlineMs: nextDeadline(rules, runtimes, now) };
}
