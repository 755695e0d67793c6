import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, processGone, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('stop() ends the capture tool and the process it spawned', async () => {
  const dir = await tempDir('group');
  const pidFile = `${dir}/pids`;
  const env = standInEnv({ STANDIN_PIDFILE: pidFile });
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps(env));
  const got = await startCollecting(source);
  await waitFor('a frame', () => got.frames.length > 0);
  const [leader, grandchild] = (await readFile(pidFile, 'utf8')).split(' ').map(Number) as [number, number];
  assert.equal(await processGone(grandchild), false, 'the grandchild runs before stop');

  await source.stop();
  assert.ok(await processGone(leader), 'the capture tool is gone');
  assert.ok(await processGone(grandchild), 'its child is gone too');
  await source.stop();
});
