import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, manifestFor, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitFor, waitForState } from './helpers.ts';

test('a corrupt model with the right sha256 fails with LOAD_FAILED, the old model keeps running, and the model is not tried again', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  let agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    // Cut in half: the signer hashed the broken file, so every byte arrives as promised.
    const truncated = readModel('truncated');
    const first = manifestFor(truncated, h.server.serve('truncated.onnx', truncated), { version: 9 });
    await publishManifest(h.observer, signedJson(first, h.key));
    let end = await waitForState(h.observer, ['rejected', 'failed', 'committed', 'rolled-back']);
    assert.deepEqual([end.state, end.code], ['failed', 'LOAD_FAILED']);
    assert.match(end.detail ?? '', /MODEL_CORRUPT/);
    await assertOldModelRuns(h, agent, stateDir);

    // A whole ONNX file that the detector cannot use (its output is no detection layout): it fails in the
    // second detector's worker, beside the running one.
    const unusable = readModel('unknown-output');
    const second = manifestFor(unusable, h.server.serve('unknown.onnx', unusable), { version: 10 });
    await publishManifest(h.observer, signedJson(second, h.key));
    await waitFor(() => updates(h.observer).filter((u) => u.state === 'failed').length === 2, 20_000, 'the second failure');
    end = updates(h.observer).filter((u) => u.state === 'failed')[1]!;
    assert.deepEqual([end.code, end.version], ['LOAD_FAILED', 10]);
    assert.match(end.detail ?? '', /UNKNOWN_OUTPUT/);
    await assertOldModelRuns(h, agent, stateDir);
    const refused = JSON.parse(readFileSync(join(stateDir, 'models', 'refused.json'), 'utf8')) as { version: number; code: string }[];
    assert.deepEqual(refused.map((r) => [r.version, r.code]), [[9, 'LOAD_FAILED'], [10, 'LOAD_FAILED']]);

    // After a restart the retained manifest (version 10) arrives again: refused at once, nothing downloaded.
    await agent.stop();
    const requests = h.server.requests.length;
    const count = updates(h.observer).length;
    agent = updateAgent(h.broker, { stateDir, key: h.key });
    await agent.start();
    await waitFor(() => updates(h.observer).length > count, 10_000, 'a message about the retained manifest');
    const again = updates(h.observer).slice(count);
    assert.deepEqual(again.map((u) => [u.state, u.code, u.version]), [['rejected', 'REFUSED_BEFORE', 10]]);
    assert.equal(h.server.requests.length, requests);
  } finally {
    await closeHarness(h, agent);
  }
});
