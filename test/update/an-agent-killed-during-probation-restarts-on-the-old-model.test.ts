import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { exitOf, startAgentChild, waitForLine } from '../agent/helpers.ts';
import { closeHarness, harness, manifestFor, publishManifest, readModel, signedJson, updateAgent, updateConfig, updates, waitFor, waitForState } from './helpers.ts';

test('an agent killed (SIGKILL) during probation restarts on the old model, then finishes the update without downloading again', { timeout: 90_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  // A probation long enough for the kill to land inside it (the old model is first measured as long).
  const child = startAgentChild(updateConfig(h.broker, { stateDir, key: h.key, update: { probationS: 6 } }), h.dir, 'run');
  let agent: ReturnType<typeof updateAgent> | undefined;
  try {
    await waitForLine(child, 'fired', 30_000);
    const bytes = readModel('v8-dynamic');
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 8 });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    await waitForState(h.observer, ['probation', 'failed', 'rejected'], 30_000);
    assert.equal(updates(h.observer).at(-1)?.state, 'probation');
    child.kill('SIGKILL');
    assert.equal((await exitOf(child)).signal, 'SIGKILL');
    assert.equal(existsSync(join(stateDir, 'models', 'active.json')), false, 'nothing committed');
    assert.equal(h.server.requests.length, 1);

    // The restarted agent runs the old model; the retained manifest then takes it through the update again,
    // with the model file it had already checked.
    const seen = updates(h.observer).length;
    agent = updateAgent(h.broker, { stateDir, key: h.key });
    await agent.start();
    assert.equal(agent.detectorInfo?.model.path, fixtureModel('v8-names'));
    const end = await waitForState(h.observer, ['committed'], 30_000).catch(() => updates(h.observer).at(-1));
    assert.equal(end?.state, 'committed', JSON.stringify(end));
    const second = updates(h.observer).slice(seen);
    assert.match(second.find((u) => u.state === 'downloaded')?.detail ?? '', /already on disk/);
    assert.equal(h.server.requests.length, 1, 'not downloaded again');
    await waitFor(() => agent?.detectorInfo?.model.path === join(stateDir, 'models', 'lookout-test-8.onnx'), 5000, 'the new model running');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await closeHarness(h, ...(agent === undefined ? [] : [agent]));
  }
});
