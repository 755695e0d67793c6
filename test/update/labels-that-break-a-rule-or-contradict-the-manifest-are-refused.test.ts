import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, manifestFor, modelFiles, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('a model without the class a rule needs is rejected with LABELS_BREAK_RULE before any download, naming rule and class', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    // The fixture without names metadata: its classes are whatever the signed manifest says, here no person.
    const bytes = readModel('v8-no-names');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 9, labels: ['cyclist', 'car', 'dog'] });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['rejected', 'failed', 'committed', 'rolled-back']);
    assert.deepEqual([end.state, end.code], ['rejected', 'LABELS_BREAK_RULE']);
    assert.match(end.detail ?? '', /rule "presence" needs class "person"/);
    assert.equal(h.server.requests.length, 0);
    assert.deepEqual(modelFiles(stateDir), []);
    await assertOldModelRuns(h, agent, stateDir);
  } finally {
    await closeHarness(h, agent);
  }
});

test('a model that names its classes otherwise than the signed manifest fails with LABELS_MISMATCH after download', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    // The model's own metadata says person, car, dog; the manifest says person, car, cat.
    const bytes = readModel('v8-names');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 9, labels: ['person', 'car', 'cat'] });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['rejected', 'failed', 'committed', 'rolled-back']);
    assert.deepEqual([end.state, end.code], ['failed', 'LABELS_MISMATCH']);
    assert.deepEqual(updates(h.observer).map((u) => u.state), ['received', 'downloading', 'downloaded', 'failed']);
    await assertOldModelRuns(h, agent, stateDir);
  } finally {
    await closeHarness(h, agent);
  }
});
