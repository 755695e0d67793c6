import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LookoutError } from '../../src/errors.ts';
import { compileRules, parseRules, ruleSchema, timeZoneSchema } from '../../src/agent/rules/index.ts';

function whereOf(input: unknown): string | undefined {
  try {
    parseRules(input);
  } catch (e) {
    assert.ok(e instanceof LookoutError);
    assert.equal(e.code, 'BAD_RULE');
    assert.equal(e.subsystem, 'config');
    assert.ok(e.where !== undefined && e.message.startsWith(e.where));
    return e.where;
  }
  assert.fail('expected parseRules to throw');
}

const ok = { name: 'gate', output: 'relay' };

test('a minimal rule gets every default', () => {
  const [rule] = parseRules([ok]);
  assert.deepEqual(rule, {
    name: 'gate',
    output: 'relay',
    enabled: true,
    classes: [],
    minScore: 0.5,
    minArea: 0,
    minCount: 1,
    framesToFire: 3,
    holdMs: 2000,
    cooldownMs: 0,
    maxOnMs: 60_000,
    action: 'on',
    pulseMs: 1000,
    priority: 'event',
  });
});

test('each bad field is named by its path', () => {
  assert.equal(whereOf([ok, { ...ok, zones: [[[0, 0], [1, 1]]] }]), 'rules[1].zones[0]');
  assert.equal(whereOf([{ ...ok, zones: [[[0, 0], [1.5, 0], [1, 1]]] }]), 'rules[0].zones[0][1][0]');
  assert.equal(whereOf([{ ...ok, maxOnMs: 0 }]), 'rules[0].maxOnMs');
  assert.equal(whereOf([{ ...ok, minScore: 1.2 }]), 'rules[0].minScore');
  assert.equal(whereOf([{ ...ok, schedule: [{ days: ['mon'], from: '25:00', to: '06:00' }] }]), 'rules[0].schedule[0].from');
  assert.equal(whereOf([{ ...ok, schedule: [{ days: ['monday'], from: '08:00', to: '09:00' }] }]), 'rules[0].schedule[0].days[0]');
  assert.equal(whereOf([{ ...ok, schedule: [{ from: '08:00', to: '08:00' }] }]), 'rules[0].schedule[0].to');
  assert.equal(whereOf([ok, { ...ok }]), 'rules[1].name');
  assert.equal(whereOf([{ ...ok, action: 'pulse', pulseMs: 5000, maxOnMs: 1000 }]), 'rules[0].pulseMs');
  assert.equal(whereOf([{ ...ok, action: 'blink' }]), 'rules[0].action');
  assert.equal(whereOf([{ ...ok, holdMS: 100 }]), 'rules[0]', 'a misspelt key is refused, not ignored');
  assert.equal(whereOf({ rules: [] }), 'rules');
});

test('a schedule window may end at 24:00 and days default to every day', () => {
  const rule = ruleSchema.parse({ ...ok, schedule: [{ from: '18:00', to: '24:00' }] });
  assert.deepEqual(rule.schedule?.[0]?.days, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
});

test('time zones are checked against the platform tz database', () => {
  assert.equal(timeZoneSchema.parse(undefined), 'UTC');
  assert.equal(timeZoneSchema.parse('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(timeZoneSchema.safeParse('Mars/Olympus_Mons').success, false);
  assert.throws(() => compileRules(parseRules([ok]), { timeZone: 'Mars/Olympus_Mons' }), {
    name: 'LookoutError',
    code: 'BAD_TIME_ZONE',
    where: 'timeZone',
  });
});

test('every field of the rule schema carries a description for the generated config table', () => {
  const shape = ruleSchema.shape;
  for (const [key, field] of Object.entries(shape)) {
    assert.ok(typeof field.description === 'string' && field.description.length > 10, `${key} lacks .describe()`);
  }
});
