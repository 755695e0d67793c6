/**
 * The Actuator contract, one suite run against every backend (sim, gpiod v1/v2, sysfs). Each backend's test
 * file supplies a board (three usable lines) and a way to observe a line through the backend's own world: the
 * sim's record, the stand-in tools' state file, the sysfs value files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actuator, Level } from '../../src/agent/gpio/actuator.ts';
import { outputSchema, type OutputConfig, type OutputConfigInput } from '../../src/agent/gpio/schema.ts';

export interface ObservedLine {
  readonly level: Level | null;
  readonly held: boolean;
}

export interface ContractSubject {
  readonly actuator: Actuator;
  /** The line behind an output, as the backend's world shows it now. */
  observe(output: string): ObservedLine;
  dispose(): Promise<void>;
}

export interface BoardLine {
  readonly chip: string;
  readonly line: string | number;
}

export interface CountingClock {
  monoMs(): number;
  /** The last value monoMs() returned. */
  readonly last: number;
}

export interface ContractBackend {
  readonly name: string;
  /** Three distinct usable lines on the backend's board. */
  readonly lines: readonly [BoardLine, BoardLine, BoardLine];
  create(outputs: readonly OutputConfig[], clock: CountingClock): Promise<ContractSubject>;
}

export function countingClock(): CountingClock {
  let t = 1000;
  return {
    monoMs: () => (t += 1),
    get last() {
      return t;
    },
  };
}

type OutputFields = Omit<OutputConfigInput, 'chip' | 'line'>;

export function runActuatorContract(backend: ContractBackend): void {
  const outputs = (...fields: OutputFields[]): OutputConfig[] =>
    fields.map((f, i) => outputSchema.parse({ chip: backend.lines[i]?.chip, line: backend.lines[i]?.line, ...f }));

  async function withSubject(list: OutputConfig[], body: (s: ContractSubject, clock: CountingClock) => Promise<void>): Promise<void> {
    const clock = countingClock();
    const subject = await backend.create(list, clock);
    try {
      await body(subject, clock);
    } finally {
      await subject.actuator.stop();
      await subject.dispose();
    }
  }

  const levels = (s: ContractSubject, names: string[]): (Level | null)[] => names.map((n) => s.observe(n).level);

  test(`${backend.name}: start claims every line at its initial level, activeLow inverted`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay', activeLow: true }, { name: 'fan', initial: 'on' });
    await withSubject(list, async (s) => {
      await s.actuator.start();
      assert.deepEqual(levels(s, ['lamp', 'relay', 'fan']), [0, 1, 1]);
      for (const name of ['lamp', 'relay', 'fan']) assert.equal(s.observe(name).held, true, `${name} held`);
    });
  });

  test(`${backend.name}: set writes the logical level through activeLow and returns the write time`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay', activeLow: true }, { name: 'fan' });
    await withSubject(list, async (s, clock) => {
      await s.actuator.start();
      const before = clock.monoMs();
      const at = await s.actuator.set('lamp', true);
      assert.ok(at > before, 'stamped after the call began');
      assert.equal(at, clock.last, 'stamped with the injected clock once the write was done');
      assert.deepEqual(levels(s, ['lamp', 'relay', 'fan']), [1, 1, 0]);
      await s.actuator.set('relay', true);
      assert.deepEqual(levels(s, ['lamp', 'relay', 'fan']), [1, 0, 0]);
      await s.actuator.set('relay', false);
      await s.actuator.set('lamp', false);
      assert.deepEqual(levels(s, ['lamp', 'relay', 'fan']), [0, 1, 0]);
    });
  });

  test(`${backend.name}: safeState drives every output to its safe level`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay', activeLow: true }, { name: 'lock', safe: 'on' });
    await withSubject(list, async (s) => {
      await s.actuator.start();
      await Promise.all([s.actuator.set('lamp', true), s.actuator.set('relay', true), s.actuator.set('lock', false)]);
      assert.deepEqual(levels(s, ['lamp', 'relay', 'lock']), [1, 0, 0]);
      await s.actuator.safeState();
      assert.deepEqual(levels(s, ['lamp', 'relay', 'lock']), [0, 1, 1]);
      await s.actuator.set('lamp', true);
      assert.equal(s.observe('lamp').level, 1, 'still usable after a safe state');
    });
  });

  test(`${backend.name}: stop drives the safe levels, releases the lines, and can be called twice`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay', activeLow: true }, { name: 'lock', safe: 'on' });
    await withSubject(list, async (s) => {
      await s.actuator.start();
      await s.actuator.set('lamp', true);
      await s.actuator.set('relay', true);
      await Promise.all([s.actuator.stop(), s.actuator.stop()]);
      await s.actuator.stop();
      assert.deepEqual(levels(s, ['lamp', 'relay', 'lock']), [0, 1, 1]);
      for (const name of ['lamp', 'relay', 'lock']) assert.equal(s.observe(name).held, false, `${name} released`);
      await assert.rejects(s.actuator.set('lamp', true), { name: 'LookoutError', code: 'NOT_RUNNING' });
      await assert.rejects(s.actuator.start(), { code: 'NOT_RUNNING' }, 'a stopped actuator is not restarted');
    });
  });

  test(`${backend.name}: safeStateSync has driven the safe levels when it returns`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay', activeLow: true }, { name: 'lock', safe: 'on' });
    await withSubject(list, async (s) => {
      await s.actuator.start();
      await s.actuator.set('lamp', true);
      await s.actuator.set('relay', true);
      await s.actuator.set('lock', false);
      s.actuator.safeStateSync();
      assert.deepEqual(levels(s, ['lamp', 'relay', 'lock']), [0, 1, 1]);
      await assert.rejects(s.actuator.set('lamp', true), { code: 'NOT_RUNNING' }, 'latched after a sync safe state');
      await s.actuator.stop();
      assert.deepEqual(levels(s, ['lamp', 'relay', 'lock']), [0, 1, 1]);
      assert.equal(s.observe('lamp').held, false);
    });
  });

  test(`${backend.name}: an unknown output name is UNKNOWN_OUTPUT, before and after start`, async () => {
    await withSubject(outputs({ name: 'lamp' }), async (s) => {
      await assert.rejects(s.actuator.set('lanp', true), { name: 'LookoutError', code: 'UNKNOWN_OUTPUT', subsystem: 'gpio' });
      await s.actuator.start();
      await assert.rejects(s.actuator.set('lanp', true), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'UNKNOWN_OUTPUT');
        assert.match(e.message, /"lanp".*lamp/);
        return true;
      });
    });
  });

  test(`${backend.name}: set before start is NOT_RUNNING`, async () => {
    await withSubject(outputs({ name: 'lamp' }), async (s) => {
      await assert.rejects(s.actuator.set('lamp', true), { code: 'NOT_RUNNING' });
    });
  });

  test(`${backend.name}: a chip that is not there is CHIP_NOT_FOUND, naming it`, async () => {
    const list = [outputSchema.parse({ name: 'lamp', chip: 'pinctrl-nowhere', line: backend.lines[0].line })];
    await withSubject(list, async (s) => {
      await assert.rejects(s.actuator.start(), (e: Error & { code?: string; where?: string }) => {
        assert.equal(e.code, 'CHIP_NOT_FOUND');
        assert.equal(e.where, 'outputs[0].chip');
        assert.match(e.message, /pinctrl-nowhere/);
        return true;
      });
      await assert.rejects(s.actuator.set('lamp', true), { code: 'NOT_RUNNING' });
    });
  });

  test(`${backend.name}: a line that is not there is LINE_NOT_FOUND, naming it`, async () => {
    const list = outputs({ name: 'lamp' }, { name: 'relay' });
    const missing = [list[0]!, { ...list[1]!, line: 'GPIO99' }];
    await withSubject(missing, async (s) => {
      await assert.rejects(s.actuator.start(), (e: Error & { code?: string; where?: string }) => {
        assert.equal(e.code, 'LINE_NOT_FOUND');
        assert.equal(e.where, 'outputs[1].line');
        assert.match(e.message, /GPIO99/);
        return true;
      });
      assert.equal(s.observe('lamp').held, false, 'a failed start releases what it had claimed');
    });
  });
}
