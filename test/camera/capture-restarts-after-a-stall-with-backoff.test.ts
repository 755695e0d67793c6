import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RestartedEvent } from '../../src/agent/camera/frame-source.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { expectedPattern, fastSettings, processGone, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('a capture that stops sending frames but stays alive is killed and restarted, the backoff doubling', async () => {
  const dir = await tempDir('stall');
  const log = `${dir}/runs.jsonl`;
  // Two runs that send 3 frames and hang, then a healthy one.
  const env = standInEnv({ STANDIN_LOG: log, STANDIN_PLAN: '3:stall,3:stall,run', STANDIN_FPS: '100' });
  const source = await createLibcameraSource({ width: 64, height: 8, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps(env));
  const restarts: RestartedEvent[] = [];
  source.on('restarted', (e) => restarts.push(e));
  const got = await startCollecting(source);
  await waitFor('frames from the third run', () => got.frames.length >= 9);
  await source.stop();

  assert.equal(source.stats.restarts, 2);
  assert.deepEqual(restarts.map((r) => [r.failures, r.backoffMs]), [[1, 40], [2, 80]]);
  assert.match(restarts[0]!.reason, /no frame for \d+ ms/);
  // Every run starts its pattern over; seq keeps counting across runs.
  const perRun = [0, 1, 2, 0, 1, 2, 0, 1, 2];
  perRun.forEach((k, i) => {
    assert.deepEqual(got.copies[i], expectedPattern(64, 8, k), `frame ${i}`);
    assert.equal(got.frames[i]!.seq, i);
  });
  // The watchdog waited the stall limit after the last frame before restarting.
  const gap = got.frames[3]!.capturedAt - got.frames[2]!.capturedAt;
  assert.ok(gap >= 300 + 40, `gap ${gap} ms`);

  const runs = await readRuns(log);
  assert.equal(runs.length, 3);
  for (const run of runs) assert.ok(await processGone(run.pid), `run ${run.pid} is gone`);
});
