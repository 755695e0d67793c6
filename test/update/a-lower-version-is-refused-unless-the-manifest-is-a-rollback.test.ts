import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOldModelRuns, closeHarness, harness, lastStatus, manifestFor, publishManifest, readModel, relayOn, signedJson, updateAgent, updates, waitFor, waitForState } from './helpers.ts';

test('a lower version is refused with DOWNGRADE, the running version is left alone, and a signed rollback goes through', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const url = h.server.serve('m.onnx', bytes);

    // The running fixture model is version 7.
    await publishManifest(h.observer, signedJson(manifestFor(bytes, url, { version: 5 }), h.key));
    const refused = await waitForState(h.observer, ['rejected', 'received']);
    assert.deepEqual([refused.state, refused.code, refused.version], ['rejected', 'DOWNGRADE', 5]);
    await assertOldModelRuns(h, agent, stateDir);

    // The running version itself: nothing to do, nothing said (a retained republish must not cause a storm).
    await publishManifest(h.observer, signedJson(manifestFor(bytes, url, { version: 7 }), h.key));
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(updates(h.observer).map((u) => u.state), ['rejected']);
    assert.equal(h.server.requests.length, 0);

    // The cloud rolls the group back on purpose: version 5 again, marked as a rollback.
    await publishManifest(h.observer, signedJson(manifestFor(bytes, url, { version: 5, rollback: true }), h.key));
    const end = await waitForState(h.observer, ['committed', 'failed', 'rolled-back']);
    assert.equal(end.state, 'committed', `${end.code ?? ''} ${end.detail ?? ''}`);
    assert.equal(end.version, 5);
    assert.match(updates(h.observer).find((u) => u.state === 'received')?.detail ?? '', /rollback/);
    await waitFor(() => lastStatus(h.observer)?.model?.version === 5, 5000, 'status naming version 5');
    assert.equal(agent.runningModel?.version, 5);
  } finally {
    await closeHarness(h, agent);
  }
});
