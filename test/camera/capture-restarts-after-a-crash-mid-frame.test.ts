import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RestartedEvent } from '../../src/agent/camera/frame-source.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { expectedPattern, fastSettings, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('a capture process dying mid-frame drops the partial frame, counts it, and is restarted', async () => {
  const dir = await tempDir('crash');
  const log = `${dir}/runs.jsonl`;
  const env = standInEnv({ STANDIN_LOG: log, STANDIN_PLAN: '4:crash,run', STANDIN_ISP: 'pisp' });
  const source = await createLibcameraSource({ width: 96, height: 6, fps: 30, isp: 'pisp', settings: fastSettings }, testDeps(env));
  const restarts: RestartedEvent[] = [];
  source.on('restarted', (e) => restarts.push(e));
  const got = await startCollecting(source);
  await waitFor('frames after the restart', () => got.frames.length >= 8);
  await source.stop();

  assert.equal(source.stats.shortReads, 1);
  assert.equal(source.stats.restarts, 1);
  assert.equal(restarts.length, 1);
  assert.match(restarts[0]!.reason, /rpicam-vid exited with status 134/);
  assert.equal(restarts[0]!.backoffMs, 40);
  // The half frame never reached the consumer, nor shifted the next run's frames.
  [0, 1, 2, 3, 0, 1, 2, 3].forEach((k, i) => {
    assert.deepEqual(got.copies[i], expectedPattern(96, 6, k), `frame ${i}`);
  });
  assert.equal((await readRuns(log)).length, 2);
});
