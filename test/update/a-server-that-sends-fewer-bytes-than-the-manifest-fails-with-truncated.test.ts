import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, manifestFor, modelFiles, publishManifest, readModel, relayOn, signedJson, updateAgent, waitForState } from './helpers.ts';

test('a server whose file is shorter than the manifest says fails with TRUNCATED and the old model keeps running', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    // Permanently short: every response is complete and honest about its length, and 100 bytes short.
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes.subarray(0, bytes.length - 100)), { version: 9 });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['committed', 'failed', 'rolled-back', 'rejected']);
    assert.deepEqual([end.state, end.code], ['failed', 'TRUNCATED']);
    assert.match(end.detail ?? '', new RegExp(`${bytes.length - 100}`));
    assert.equal(h.server.requests.length, 1, 'a complete short response is not retried');
    assert.deepEqual(modelFiles(stateDir), []);
    await assertOldModelRuns(h, agent, stateDir);
  } finally {
    await closeHarness(h, agent);
  }
});
