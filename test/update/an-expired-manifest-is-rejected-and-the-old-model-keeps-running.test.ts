import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, manifestFor, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('an expired manifest, however well signed, is rejected with EXPIRED and the old model keeps running', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), {
      version: 9,
      createdAt: new Date(Date.now() - 7_200_000).toISOString(),
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const rejected = await waitForState(h.observer, ['rejected', 'received']);
    assert.deepEqual([rejected.state, rejected.code, rejected.name, rejected.version], ['rejected', 'EXPIRED', 'lookout-test', 9]);
    await assertOldModelRuns(h, agent, stateDir);
    assert.deepEqual(updates(h.observer).map((u) => u.state), ['rejected']);
    assert.equal(h.server.requests.length, 0);
  } finally {
    await closeHarness(h, agent);
  }
});
