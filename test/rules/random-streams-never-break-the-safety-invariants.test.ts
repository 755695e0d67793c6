import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isArmedAt } from '../../src/agent/rules/schedule.ts';
import type { RuleConfig, ScheduleWindow } from '../../src/agent/rules/index.ts';
import { prng, type Prng } from '../support/prng.ts';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

const START_WALL = Date.UTC(2025, 4, 5, 12, 0, 0); // a Monday, 12:00 UTC
const DURATION = 5 * 60_000;

function hhmm(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60) % 24).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

function randomRules(r: Prng): RuleConfig[] {
  const outputs = ['relay', 'siren'];
  return Array.from({ length: r.int(1, 3) }, (_, i) => {
    let schedule: ScheduleWindow[] | undefined;
    if (r.chance(0.4)) {
      const from = 12 * 60 + r.int(0, 3);
      schedule = [{ days: ['mon'], from: hhmm(from), to: hhmm(from + r.int(1, 3)) }];
    }
    return makeRule({
      name: `rule-${i}`,
      output: r.pick(outputs),
      framesToFire: r.int(1, 5),
      holdMs: r.int(0, 3000),
      cooldownMs: r.chance(0.5) ? 0 : r.int(1, 5000),
      maxOnMs: r.int(300, 20_000),
      ...(schedule === undefined ? {} : { schedule }),
    });
  });
}

interface Frame {
  readonly atMs: number;
  readonly present: boolean;
}

test('random presence, jitter, toggles and schedules never break the safety invariants', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = prng(seed);
    const configs = randomRules(r);
    const h = new RuleHarness(configs, { wallMs: START_WALL });
    const start = h.monoMs;
    const frames: Frame[] = [];
    const toggles: { name: string; atMs: number; enabled: boolean }[] = [];
    const enabledThroughout = (name: string, from: number, to: number): boolean => {
      const mine = toggles.filter((x) => x.name === name);
      const before = mine.filter((x) => x.atMs <= from).at(-1);
      return (before?.enabled ?? true) && !mine.some((x) => x.atMs > from && x.atMs <= to);
    };
    const disabled = new Set<string>();
    let present = false;
    let t = start;
    while (t < start + DURATION) {
      t += r.int(60, 140);
      h.tickUntil(t);
      h.advanceTo(t);
      if (r.chance(0.01)) {
        const name = r.pick(configs).name;
        const enable = disabled.has(name);
        h.setEnabled(name, enable);
        toggles.push({ name, atMs: t, enabled: enable });
        if (enable) disabled.delete(name);
        else disabled.add(name);
      }
      if (r.chance(present ? 0.02 : 0.03)) present = !present;
      const flicker = present && r.chance(0.1);
      const hasObject = present && !flicker;
      h.frame(hasObject ? [detection()] : []);
      frames.push({ atMs: t, present: hasObject });
    }
    h.tickUntil(t + 60_000);
    const ctx = `seed ${seed}`;

    for (const config of configs) {
      const rule = h.rules.rules.find((x) => x.config.name === config.name)!;
      const mine = h.events.filter((e) => e.rule === config.name);
      let lastClear = Number.NEGATIVE_INFINITY;
      let firedAt: number | null = null;
      for (const e of mine) {
        if (e.kind === 'fired') {
          assert.equal(firedAt, null, `${ctx}: fired twice without a clear`);
          firedAt = e.monoMs;
          // Debounce: the last framesToFire frames up to the firing one were all matching.
          const upTo = frames.filter((f) => f.atMs <= e.monoMs).slice(-config.framesToFire);
          assert.equal(upTo.length, config.framesToFire, `${ctx}: too few frames before firing`);
          assert.ok(upTo.every((f) => f.present), `${ctx}: fired without ${config.framesToFire} matching frames`);
          // ...all after the cooldown and after the last (re-)enable, while armed.
          assert.ok(upTo[0]!.atMs > lastClear + config.cooldownMs, `${ctx}: counted a frame inside the cooldown`);
          assert.ok(enabledThroughout(config.name, upTo[0]!.atMs, e.monoMs), `${ctx}: fired across a disable`);
          if (rule.schedule !== null) assert.ok(isArmedAt(rule.schedule, e.wallMs), `${ctx}: fired while disarmed`);
        } else {
          assert.notEqual(firedAt, null, `${ctx}: cleared without firing`);
          assert.ok(e.monoMs - firedAt! <= config.maxOnMs, `${ctx}: active ${e.monoMs - firedAt!} ms > maxOnMs`);
          if (e.reason === 'max-on') assert.equal(e.monoMs - firedAt!, config.maxOnMs, `${ctx}: late cutoff`);
          if (e.reason === 'hold-expired') {
            const lastMatch = frames.filter((f) => f.present && f.atMs < e.monoMs).at(-1)!;
            assert.equal(e.monoMs, Math.max(lastMatch.atMs, firedAt!) + config.holdMs, `${ctx}: hold not exact`);
          }
          if (e.reason === 'disarmed') assert.equal(isArmedAt(rule.schedule!, e.wallMs), false, ctx);
          lastClear = e.monoMs;
          firedAt = null;
        }
      }
      assert.equal(firedAt, null, `${ctx}: ${config.name} still active a minute after the end`);
    }

    // Each output is on exactly while at least one of its rules is active (fired and not yet cleared).
    for (const output of h.rules.outputs) {
      const active = new Map<string, number>();
      let expectedOn = false;
      const expected: [number, boolean][] = [];
      for (const e of h.events.filter((x) => x.output === output)) {
        if (e.kind === 'fired') active.set(e.rule, e.monoMs);
        else active.delete(e.rule);
        const on = active.size > 0;
        if (on !== expectedOn) {
          const last = expected.at(-1);
          // Several events at one instant settle to one command.
          if (last !== undefined && last[0] === e.monoMs) expected.pop();
          else expected.push([e.monoMs, on]);
          expectedOn = on;
        }
      }
      const actual = h.commands.filter((c) => c.output === output).map((c): [number, boolean] => [c.atMs, c.on]);
      assert.deepEqual(actual, expected, `${ctx}: output ${output} does not follow its rules`);
    }
  }
});
