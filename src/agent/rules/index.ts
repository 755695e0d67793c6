/** The rules engine's public surface: schema, compilation and the pure step function. */
export { compileRules, type CompileOptions, type CompiledRule, type RuleSet } from './compile.ts';
export {
  createRuleState,
  setRuleEnabled,
  stepRules,
  type RuleRuntime,
  type RuleState,
  type StepResult,
} from './engine.ts';
export {
  parseRules,
  ruleListSchema,
  ruleSchema,
  scheduleWindowSchema,
  timeZoneSchema,
  zoneSchema,
  WEEKDAYS,
  type RuleConfig,
  type RuleConfigInput,
  type ScheduleWindow,
  type Weekday,
  type Zone,
} from './schema.ts';
export type {
  DetectionInput,
  OutputCommand,
  RuleClearReason,
  RuleClearedEvent,
  RuleEvent,
  RuleFiredEvent,
  RuleInput,
  RuleNow,
  TickInput,
} from './types.ts';
