import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../src/config/schema.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { AgentProcess } from './support/agent-process.ts';
import { assertSafeFirst, strictJournal, type SafeOutput } from './support/journal.ts';

const PULSE_MS = 1500;
// An active-low relay (safe = off = level 1) and a lock whose safe state is on: a restart that merely wrote
// level 0 everywhere, or kept the killed process's levels, would show.
const OUTPUTS: SafeOutput[] = [
  { name: 'relay', safeOn: false, safeLevel: 1 },
  { name: 'lock', safeOn: true, safeLevel: 1 },
];

function config(dir: string): ConfigInput {
  return {
    device: { id: 'pulse-1' },
    camera: { source: 'synthetic', width: 320, height: 240, fps: 10, seed: 5 },
    // The fixture model sees a person in every frame: the rule fires on the first frame and pulses the relay.
    detector: { model: fixtureModel('v8-names'), providers: ['cpu'], threads: 1 },
    gpio: {
      backend: 'sim',
      simFile: join(dir, 'gpio.jsonl'),
      outputs: [
        { name: 'relay', line: 17, activeLow: true },
        { name: 'lock', line: 27, safe: 'on', initial: 'on' },
      ],
    },
    rules: [{ name: 'door', classes: ['person'], framesToFire: 1, holdMs: 200, maxOnMs: 60_000, action: 'pulse', pulseMs: PULSE_MS, output: 'relay' }],
    log: { level: 'warn', format: 'json' },
  };
}

test('an agent SIGKILLed mid-pulse restarts by driving every output safe before its first frame, and the journal stays whole', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fault-pulse-'));
  const journalPath = join(dir, 'gpio.jsonl');
  let first: AgentProcess | undefined;
  let second: AgentProcess | undefined;
  try {
    first = AgentProcess.start(config(dir), dir, { name: 'first' });
    await first.waitForEvent((e) => e.ev === 'actuation' && e.output === 'relay' && e.on, 30_000, 'the pulse starting');
    assert.equal((await first.kill('SIGKILL')).signal, 'SIGKILL');

    const killed = strictJournal(journalPath);
    assertSafeFirst(killed, OUTPUTS, 'the first process');
    assert.deepEqual(killed.at(-1) && { output: killed.at(-1)?.output, on: killed.at(-1)?.on, level: killed.at(-1)?.level }, { output: 'relay', on: true, level: 0 },
      'the kill landed mid-pulse: the relay was left on');

    second = AgentProcess.start(config(dir), dir, { name: 'second' });
    const frame = await second.firstFrame(30_000);
    const after = strictJournal(journalPath);
    assert.deepEqual(after.slice(0, killed.length), killed, 'the killed process\'s transitions are kept as written');
    const restarted = after.slice(killed.length);
    assertSafeFirst(restarted, OUTPUTS, 'the restarted process');
    assert.ok(frame.journal >= killed.length + OUTPUTS.length, `the safe levels were written before the first frame was processed (journal held ${frame.journal} lines then)`);

    // The restarted agent's own pulse runs its full length and ends.
    await second.waitForEvent((e) => e.ev === 'actuation' && e.output === 'relay' && !e.on, 30_000, 'the new pulse ending');
    const relay = strictJournal(journalPath).slice(killed.length).filter((t) => t.output === 'relay');
    assert.deepEqual(relay.map((t) => t.on), [false, true, false], 'relay: safe, pulse on, pulse off');
    const length = relay[2]!.atMs - relay[1]!.atMs;
    assert.ok(length >= PULSE_MS - 5 && length < PULSE_MS + 1000, `the pulse lasted ${length} ms`);

    assert.equal((await second.kill('SIGTERM')).code, 0, 'a clean stop on SIGTERM');
    const end = strictJournal(journalPath);
    assert.deepEqual(OUTPUTS.map((o) => end.filter((t) => t.output === o.name).at(-1)?.on), OUTPUTS.map((o) => o.safeOn), 'SIGTERM leaves every output safe');
  } finally {
    await first?.kill('SIGKILL');
    await second?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
