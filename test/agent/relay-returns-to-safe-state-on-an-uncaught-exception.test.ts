import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitOf, finalStates, startAgentChild, tempDir, testConfig, waitForLine } from './helpers.ts';

test('an uncaught exception drives every output safe before the process exits 1', async () => {
  const dir = tempDir();
  const child = startAgentChild(testConfig(dir), dir, 'throw');
  await waitForLine(child, 'fired');
  const { code } = await exitOf(child);
  assert.equal(code, 1);
  assert.deepEqual(finalStates(dir), { siren: false, lock: true });
});
