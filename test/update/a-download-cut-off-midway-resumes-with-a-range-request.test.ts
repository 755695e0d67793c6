import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeHarness, harness, manifestFor, publishManifest, readModel, sha256, signedJson, updateAgent, updates, waitForState } from './helpers.ts';

test('a download the server cuts off midway is resumed with Range from the byte it reached and completes', { timeout: 60_000 }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    // A model of 263 kB (the "slow" fixture's size), as version 9 of the fast model would not be big enough to
    // cut twice: the server drops the connection after 100 kB, twice.
    const bytes = readModel('slow');
    h.server.setFaults({ drop: { afterBytes: 100_000, times: 2 } });
    const manifest = manifestFor(bytes, h.server.serve('m.onnx', bytes), { version: 9, input: { width: 256, height: 256, format: 'rgb' } });
    await publishManifest(h.observer, signedJson(manifest, h.key));
    await waitForState(h.observer, ['downloaded', 'failed', 'rejected'], 30_000);
    const requests = h.server.requests.filter((r) => r.path === '/m.onnx');
    assert.deepEqual(requests.map((r) => [r.status, r.range, r.sent]), [
      [200, undefined, 100_000],
      [206, 'bytes=100000-', 100_000],
      [206, 'bytes=200000-', bytes.length - 200_000],
    ]);
    const downloaded = updates(h.observer).find((u) => u.state === 'downloaded');
    assert.match(downloaded?.detail ?? '', /3 request/);
    const installed = join(stateDir, 'models', 'lookout-test-9.onnx');
    assert.equal(sha256(readFileSync(installed)), manifest.sha256);
    // Progress went up by tenths, never back.
    const progress = updates(h.observer).filter((u) => u.state === 'downloading').map((u) => u.progress ?? -1);
    assert.ok(progress.length >= 3, `progress ${progress.join(', ')}`);
    assert.deepEqual([...progress].sort((a, b) => a - b), progress);
    // What happens to this (slower) model next is other tests' business: the agent stops mid-update here.
  } finally {
    await closeHarness(h, agent);
  }
});
