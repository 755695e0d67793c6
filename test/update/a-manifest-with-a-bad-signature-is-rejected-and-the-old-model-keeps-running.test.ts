import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateKeyPair } from '../../src/protocol/manifest-signature.ts';
import { assertOldModelRuns, closeHarness, harness, manifestFor, modelFiles, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('a manifest signed by a key other than the trusted one is rejected with BAD_SIGNATURE, downloads nothing, and the old model keeps running', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 9 });
    // Same key id, another private key: what a stolen name without the key produces.
    const forger = { ...generateKeyPair(h.key.keyId) };
    await publishManifest(h.observer, signedJson(manifest, forger));
    const rejected = await waitForState(h.observer, ['rejected', 'received']);
    assert.equal(rejected.state, 'rejected');
    assert.equal(rejected.code, 'BAD_SIGNATURE');
    // The claimed identity is reported so the cloud can tell which publication failed.
    assert.equal(rejected.version, 9);
    await assertOldModelRuns(h, agent, stateDir);
    assert.deepEqual(updates(h.observer).map((u) => u.state), ['rejected']);
    assert.equal(h.server.requests.length, 0, 'nothing downloaded');
    assert.deepEqual(modelFiles(stateDir), []);
  } finally {
    await closeHarness(h, agent);
  }
});
