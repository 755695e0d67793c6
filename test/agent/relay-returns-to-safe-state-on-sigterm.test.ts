import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitOf, finalStates, journal, startAgentChild, tempDir, testConfig, waitForLine } from './helpers.ts';

test('a SIGTERM to a running agent leaves every output at its safe level and exits 0', async () => {
  const dir = tempDir();
  const child = startAgentChild(testConfig(dir), dir, 'run');
  await waitForLine(child, 'fired');
  assert.equal(finalStates(dir).siren, true, 'the siren was on before the signal');
  child.kill('SIGTERM');
  const { code } = await exitOf(child);
  assert.equal(code, 0);
  // siren: safe off (active-low line back high); lock: safe on.
  assert.deepEqual(finalStates(dir), { siren: false, lock: true });
  const last = journal(dir).filter((t) => t.output === 'siren').at(-1);
  assert.equal(last?.level, 1, 'active-low siren released = line high');
});
