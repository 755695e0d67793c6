import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, manifestFor, modelFiles, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('a file whose sha256 is not the manifest\'s fails with SHA256_MISMATCH, its part file deleted, and the old model keeps running', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const promised = readModel('v8-dynamic');
    // The server holds other bytes of the very same size (one byte flipped): only the hash can tell.
    const served = Buffer.from(promised);
    served[served.length - 10]! ^= 0xff;
    const manifest = manifestFor(promised, h.server.serve('m.onnx', served), { version: 9 });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['committed', 'failed', 'rolled-back', 'rejected']);
    assert.deepEqual([end.state, end.code], ['failed', 'SHA256_MISMATCH']);
    assert.deepEqual(updates(h.observer).map((u) => u.state), ['received', 'downloading', 'failed']);
    assert.equal(h.server.requests.length, 1);
    assert.deepEqual(modelFiles(stateDir), [], 'neither part nor model file is left');
    await assertOldModelRuns(h, agent, stateDir);
  } finally {
    await closeHarness(h, agent);
  }
});
