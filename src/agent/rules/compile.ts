/**
 * Turns validated rule configs into the form the engine steps: class sets, compiled schedules and the list of
 * outputs. Done once at start-up (and on reload), never per frame.
 */
import { LookoutError } from '../../errors.ts';
import { compileSchedule, createZoneReader, type CompiledSchedule } from './schedule.ts';
import { isValidTimeZone, type RuleConfig } from './schema.ts';

export interface CompiledRule {
  readonly config: RuleConfig;
  /** null = any label. */
  readonly classes: ReadonlySet<string> | null;
  /** null = always armed. */
  readonly schedule: CompiledSchedule | null;
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Every output some rule drives, in first-use order. */
  readonly outputs: readonly string[];
  readonly timeZone: string;
}

export interface CompileOptions {
  /** IANA zone for schedules; default UTC. */
  readonly timeZone?: string;
}

export function compileRules(rules: readonly RuleConfig[], options: CompileOptions = {}): RuleSet {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) {
    throw new LookoutError('config', 'BAD_TIME_ZONE', `unknown time zone "${timeZone}"`, { where: 'timeZone' });
  }
  const zone = createZoneReader(timeZone);
  const names = new Set<string>();
  const outputs: string[] = [];
  const compiled = rules.map((config, index) => {
    if (names.has(config.name)) {
      throw new LookoutError('config', 'BAD_RULE', `duplicate rule name "${config.name}"`, {
        where: `rules[${index}].name`,
      });
    }
    names.add(config.name);
    if (!outputs.includes(config.output)) outputs.push(config.output);
    return {
      config,
      classes: config.classes.length === 0 ? null : new Set(config.classes),
      schedule: config.schedule === undefined ? null : compileSchedule(config.schedule, zone),
    };
  });
  return { rules: compiled, outputs, timeZone };
}
