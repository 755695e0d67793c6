import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LostEvent, RestartedEvent } from '../../src/agent/camera/frame-source.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('a camera that fails every run is reported lost after maxRestarts, and restart() revives it', async () => {
  const dir = await tempDir('lost');
  const log = `${dir}/runs.jsonl`;
  // Every run exits at once with status 1, like rpicam-vid when the camera is missing or busy.
  const env = standInEnv({ STANDIN_LOG: log, STANDIN_PLAN: '0:exit1' });
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps(env));
  const restarts: RestartedEvent[] = [];
  const lost: LostEvent[] = [];
  source.on('restarted', (e) => restarts.push(e));
  source.on('lost', (e) => lost.push(e));
  const got = await startCollecting(source);
  await waitFor('lost', () => lost.length > 0);

  assert.deepEqual(lost, [{ reason: 'rpicam-vid exited with status 1', restarts: 3 }]);
  assert.deepEqual(restarts.map((r) => r.backoffMs), [40, 80, 160]);
  assert.equal(source.stats.restarts, 3);
  assert.equal(got.frames.length, 0);
  assert.equal((await readRuns(log)).length, 4, 'the first run and three restarts');

  await source.restart('operator asked');
  await waitFor('lost again', () => lost.length === 2);
  assert.equal((await readRuns(log)).length, 8, 'the restart and three more');
  await source.stop();
});
