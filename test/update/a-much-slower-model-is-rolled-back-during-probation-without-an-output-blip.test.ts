import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, journal, manifestFor, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('a model much slower than the running one is rolled back with TOO_SLOW during probation, to the old model kept warm, with no output blip', { timeout: 90_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  // The default latency limit (+50 % at p95): the "slow" fixture takes tens of milliseconds a frame where the
  // running one takes well under one.
  const agent = updateAgent(h.broker, { stateDir, key: h.key, update: { maxLatencyRise: 0.5 } });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('slow');
    const manifest = manifestFor(bytes, h.server.serve('slow.onnx', bytes), { version: 9, input: { width: 256, height: 256, format: 'rgb' } });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['rejected', 'failed', 'committed', 'rolled-back'], 40_000);
    assert.deepEqual([end.state, end.code], ['rolled-back', 'TOO_SLOW'], end.detail);
    assert.match(end.detail ?? '', /p95 inference .* ms, was .* ms/);
    const states = updates(h.observer).map((u) => u.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    assert.deepEqual(states, ['received', 'downloading', 'downloaded', 'verified', 'warming', 'swapped', 'probation', 'rolled-back']);

    await assertOldModelRuns(h, agent, stateDir);
    // The relay stayed on through both swaps: one "on" after the initial level, never an "off".
    const transitions = journal(stateDir);
    assert.deepEqual(transitions.map((t) => t.on), [false, true], JSON.stringify(transitions));
    // Nothing was committed: a restart still runs the configured model.
    assert.equal(existsSync(join(stateDir, 'models', 'active.json')), false);
  } finally {
    await closeHarness(h, agent);
  }
});
