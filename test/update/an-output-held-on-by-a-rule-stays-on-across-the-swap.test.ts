import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeHarness, harness, journal, manifestFor, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitFor, waitForState } from './helpers.ts';

test('an output a rule holds on stays on while the detector is swapped and the old one stopped: no off/on blip in the sim journal', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  // 20 frames a second: the swap falls between two of many frames in the hold.
  const agent = updateAgent(h.broker, { stateDir, key: h.key, fps: 20 });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 9 });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['rejected', 'failed', 'committed', 'rolled-back']);
    assert.equal(end.state, 'committed', `${end.code ?? ''} ${end.detail ?? ''}`);
    // Frames keep flowing on the new model for a while after the old detector stopped.
    const pipeline = agent.runningPipeline!;
    const processed = pipeline.counters.processed;
    await waitFor(() => pipeline.counters.processed > processed + 10, 5000, 'frames after the commit');
    assert.equal(pipeline.counters.detectErrors, 0);
    assert.equal(agent.detectorInfo?.model.path, join(stateDir, 'models', 'lookout-test-9.onnx'));
    const swappedAt = updates(h.observer).find((u) => u.state === 'swapped')?.ts ?? 0;
    assert.ok(swappedAt > 0);

    // The initial (off) level at start, the rule's one "on", and nothing since: no write at all at the swap.
    const transitions = journal(stateDir);
    assert.deepEqual(transitions.map((t) => [t.output, t.on]), [['relay', false], ['relay', true]], JSON.stringify(transitions));
    assert.equal(pipeline.outputs.relay, true);
  } finally {
    await closeHarness(h, agent);
  }
});
