import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateSchema } from '../../src/protocol/index.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { closeHarness, harness, lastStatus, manifestFor, modelFiles, publishManifest, readModel, sha256, signedJson, updateAgent, updates, waitFor, waitForState } from './helpers.ts';

test('a signed manifest on the group topic takes the device through every state to the new model, and a restart keeps it', { timeout: 90_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  // Left by earlier updates: a model two versions back and an abandoned download.
  mkdirSync(join(stateDir, 'models', 'staging'), { recursive: true });
  writeFileSync(join(stateDir, 'models', 'lookout-test-3.onnx'), 'old');
  writeFileSync(join(stateDir, 'models', 'staging', 'lookout-test-4.onnx.part'), 'abandoned');
  let agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    // The configured fixture model: version 7 in its metadata, sha256 of the file.
    await waitFor(() => lastStatus(h.observer)?.model?.version === 7, 10_000, 'status naming the configured model');
    assert.equal(lastStatus(h.observer)?.model?.sha256, sha256(readFileSync(fixtureModel('v8-names'))));

    // Another file (dynamic input dims, same classes and size) as version 8.
    const bytes = readModel('v8-dynamic');
    const manifest = manifestFor(bytes, h.server.serve('m/lookout-test-8.onnx', bytes), { version: 8 });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    const end = await waitForState(h.observer, ['committed', 'rejected', 'failed', 'rolled-back'], 30_000);
    assert.equal(end.state, 'committed', `ended ${end.state} ${end.code ?? ''}: ${end.detail ?? ''}`);

    const messages = updates(h.observer);
    for (const m of messages) {
      assert.ok(updateSchema.safeParse(m).success, JSON.stringify(m));
      assert.equal(m.deviceId, 'upd-1');
      assert.equal(m.name, 'lookout-test');
      assert.equal(m.version, 8);
    }
    const states = messages.map((m) => m.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    assert.deepEqual(states, ['received', 'downloading', 'downloaded', 'verified', 'warming', 'swapped', 'probation', 'committed']);

    // Status is republished with the new model at once.
    await waitFor(() => lastStatus(h.observer)?.model?.version === 8, 5000, 'status naming version 8');
    assert.deepEqual(lastStatus(h.observer)?.model, { name: 'lookout-test', version: 8, sha256: manifest.sha256 });
    const installed = join(stateDir, 'models', 'lookout-test-8.onnx');
    assert.equal(agent.detectorInfo?.model.path, installed);
    assert.equal(sha256(readFileSync(installed)), manifest.sha256);

    // Stats name it too.
    const statsTopic = 'lookout/v1/dev/upd-1/stats';
    const seen = h.observer.on(statsTopic).length;
    await waitFor(() => h.observer.on(statsTopic).length > seen + 1, 5000, 'two more stats messages');
    const stats = h.observer.json(statsTopic).at(-1) as { model: unknown };
    assert.deepEqual(stats.model, { name: 'lookout-test', version: 8, sha256: manifest.sha256 });

    const active = JSON.parse(readFileSync(join(stateDir, 'models', 'active.json'), 'utf8')) as { current: unknown; previous: { path: string; version: number } | null };
    assert.deepEqual(active.current, { name: 'lookout-test', version: 8, path: installed, sha256: manifest.sha256, labels: ['person', 'car', 'dog'] });
    assert.deepEqual([active.previous?.path, active.previous?.version], [fixtureModel('v8-names'), 7]);
    // The current and the previous model stay (the previous is the configured file, outside the folder).
    assert.deepEqual(modelFiles(stateDir), ['lookout-test-8.onnx']);

    const processed = agent.runningPipeline?.counters.processed ?? 0;
    await waitFor(() => (agent.runningPipeline?.counters.processed ?? 0) > processed + 3, 5000, 'frames on the new model');
    assert.equal(agent.runningPipeline?.counters.detectErrors, 0);

    // A restart runs the committed model, and the retained manifest (delivered again) changes nothing.
    await agent.stop();
    const before = updates(h.observer).length;
    agent = updateAgent(h.broker, { stateDir, key: h.key });
    await agent.start();
    assert.equal(agent.detectorInfo?.model.path, installed);
    assert.equal(agent.runningModel?.version, 8);
    await waitFor(() => lastStatus(h.observer)?.state === 'online' && lastStatus(h.observer)?.model?.version === 8, 10_000, 'the restarted agent online on version 8');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(updates(h.observer).length, before, 'no update messages for the running version');
  } finally {
    await closeHarness(h, agent);
  }
});
