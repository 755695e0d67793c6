import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimTransition } from '../../src/agent/gpio/sim-actuator.ts';
import { GPIO_FIXTURES } from './helpers/gpiod-standin.ts';

/** Starts the child, waits for "ready", sends `signal`, and returns the journal it left. */
async function killChild(signal: NodeJS.Signals): Promise<{ transitions: Omit<SimTransition, 'atMs'>[]; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-sim-'));
  const journal = join(dir, 'journal.jsonl');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(GPIO_FIXTURES, 'sim-child.ts'), journal], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`child exited early (${code ?? 'signal'})`));
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const code = await exited;
    const transitions = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const { output, on, level, atMs } = JSON.parse(line) as SimTransition;
        assert.equal(typeof atMs, 'number');
        return { output, on, level };
      });
    return { transitions, code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every transition written before a SIGKILL is in the journal (synchronous appends)', async () => {
  const { transitions, code } = await killChild('SIGKILL');
  assert.equal(code, null);
  assert.deepEqual(transitions, [
    { output: 'relay', on: false, level: 1 },
    { output: 'lock', on: false, level: 0 },
    { output: 'relay', on: true, level: 0 },
  ]);
});

test('on SIGTERM the exit handler drives the safe levels synchronously before the process ends', async () => {
  const { transitions, code } = await killChild('SIGTERM');
  assert.equal(code, 143);
  assert.deepEqual(transitions.slice(-2), [
    { output: 'relay', on: false, level: 1 },
    { output: 'lock', on: true, level: 1 },
  ]);
  assert.equal(transitions.length, 5);
});
