/**
 * The rule schema: the single source of truth for a rule's fields, defaults and documentation. The config
 * module embeds `ruleListSchema` and `timeZoneSchema`; `parseRules` serves callers that validate on their own.
 */
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { issuePath } from '../../util/issue-path.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const CLOCK_TIME_OR_END_OF_DAY = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    // Intl throws RangeError for a zone it does not know: that is the answer, not a failure.
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isValidTimeZone, { error: 'an IANA time zone such as "UTC" or "Europe/Berlin"' })
  .default('UTC')
  .describe('IANA time zone in which rule schedules are evaluated (DST is followed through Intl)');

export const scheduleWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .default([...WEEKDAYS])
      .describe('Days on which the window STARTS (a window crossing midnight ends on the next day)'),
    from: z
      .string()
      .regex(CLOCK_TIME, 'HH:MM from 00:00 to 23:59')
      .describe('Local time the rule arms, inclusive'),
    to: z
      .string()
      .regex(CLOCK_TIME_OR_END_OF_DAY, 'HH:MM from 00:00 to 23:59, or 24:00')
      .describe('Local time the rule disarms, exclusive; earlier than `from` crosses midnight; 24:00 = end of day'),
  })
  .refine((w) => w.from !== w.to, {
    error: 'from and to must differ (use 00:00 to 24:00 for a whole day)',
    path: ['to'],
  })
  .describe('An arm window: the rule is armed from `from` until `to` on the listed days');

const unit = z.number().min(0).max(1);

export const zoneSchema = z
  .array(z.tuple([unit, unit]))
  .min(3)
  .describe('A polygon of at least 3 [x, y] points in normalised frame coordinates (0..1, origin top-left)');

export const ruleSchema = z
  .strictObject({
    name: z.string().min(1).max(64).describe('Unique rule name (appears in events and remote commands)'),
    enabled: z.boolean().default(true).describe('A disabled rule never fires; a remote command may toggle it'),
    classes: z
      .array(z.string().min(1))
      .default([])
      .describe('Detection labels that count (empty = any label)'),
    minScore: z.number().min(0).max(1).default(0.5).describe('Minimum detection confidence'),
    minArea: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Minimum box area as a fraction of the frame area'),
    zones: z
      .array(zoneSchema)
      .min(1)
      .optional()
      .describe('An object counts when its box bottom-centre lies inside (or on the edge of) any zone; none = whole frame'),
    minCount: z.number().int().min(1).default(1).describe('Objects needed in one frame for the frame to match'),
    framesToFire: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Consecutive matching frames needed to fire (debounce)'),
    holdMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('Stay on this long after the last matching frame; keep it above the frame interval'),
    cooldownMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('After the rule clears, ignore matches for this long'),
    maxOnMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Hard cutoff: cleared after this long even while matches continue, then cooldown'),
    schedule: z
      .array(scheduleWindowSchema)
      .min(1)
      .optional()
      .describe('Arm windows; outside them the rule is disarmed and releases at once (none = always armed)'),
    output: z.string().min(1).max(64).describe('Name of the GPIO output the rule drives'),
    action: z
      .enum(['on', 'pulse'])
      .default('on')
      .describe('"on": the output is on while the rule is active; "pulse": on for pulseMs each time it fires'),
    pulseMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Pulse length for action "pulse" (at most maxOnMs)'),
    priority: z
      .enum(['alarm', 'event'])
      .default('event')
      .describe('Telemetry priority of its events: alarms are sent before anything else and dropped last'),
  })
  .refine((r) => r.action !== 'pulse' || r.pulseMs <= r.maxOnMs, {
    error: 'pulseMs must not exceed maxOnMs',
    path: ['pulseMs'],
  });

export const ruleListSchema = z
  .array(ruleSchema)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: 'custom', message: `duplicate rule name "${rule.name}"`, path: [index, 'name'] });
      }
      seen.add(rule.name);
    });
  })
  .describe('Rules: detections in, output commands out');

export type RuleConfig = z.infer<typeof ruleSchema>;
export type RuleConfigInput = z.input<typeof ruleSchema>;
export type ScheduleWindow = z.infer<typeof scheduleWindowSchema>;
export type Zone = z.infer<typeof zoneSchema>;

/** Validates raw rules (e.g. parsed YAML), throwing a LookoutError that names the field at fault. */
export function parseRules(input: unknown, where = 'rules'): RuleConfig[] {
  const result = ruleListSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue === undefined ? where : issuePath(issue.path, where);
  throw new LookoutError('config', 'BAD_RULE', `${at}: ${issue?.message ?? 'invalid rule'}`, {
    where: at,
    cause: result.error,
  });
}
