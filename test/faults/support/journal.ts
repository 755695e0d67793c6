/** Reads the sim GPIO journal (src/agent/gpio/sim-actuator.ts) strictly: every line must be a whole transition. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { SimTransition } from '../../../src/agent/gpio/sim-actuator.ts';

export function strictJournal(path: string): SimTransition[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the journal ends with a whole line');
  return text.split('\n').filter((l) => l !== '').map((line, i) => {
    const t = JSON.parse(line) as Record<string, unknown>;
    assert.equal(typeof t.output, 'string', `journal line ${i + 1}: output`);
    assert.equal(typeof t.on, 'boolean', `journal line ${i + 1}: on`);
    assert.ok(t.level === 0 || t.level === 1, `journal line ${i + 1}: level`);
    assert.equal(typeof t.atMs, 'number', `journal line ${i + 1}: atMs`);
    return t as unknown as SimTransition;
  });
}

export interface SafeOutput {
  readonly name: string;
  /** The level the output's safe state drives (activeLow inverts). */
  readonly safeLevel: 0 | 1;
  readonly safeOn: boolean;
}

/** Asserts that `transitions` start with exactly one write per output, each at its safe level. */
export function assertSafeFirst(transitions: readonly SimTransition[], outputs: readonly SafeOutput[], what: string): void {
  const first = transitions.slice(0, outputs.length);
  assert.equal(first.length, outputs.length, `${what}: one write per output before anything else`);
  assert.deepEqual(
    first.map((t) => ({ output: t.output, on: t.on, level: t.level })).sort((a, b) => a.output.localeCompare(b.output)),
    outputs.map((o) => ({ output: o.name, on: o.safeOn, level: o.safeLevel })).sort((a, b) => a.output.localeCompare(b.output)),
    `${what}: every output driven to its safe level first`,
  );
}
