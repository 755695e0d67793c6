import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, processGone, standInEnv, startCollecting, tempDir, waitFor } from './support/stand-ins.ts';

test('the exit hook SIGKILLs the capture group at once, so no tool outlives the agent holding the camera', async () => {
  const dir = await tempDir('exit');
  const pidFile = `${dir}/pids`;
  const hooks = new Set<() => void>();
  const deps = captureDeps({
    env: standInEnv({ STANDIN_PIDFILE: pidFile, STANDIN_IGNORE_TERM: '1' }),
    onProcessExit: (hook) => {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
  });
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, deps);
  const got = await startCollecting(source);
  await waitFor('a frame', () => got.frames.length > 0);
  const [leader, grandchild] = (await readFile(pidFile, 'utf8')).split(' ').map(Number) as [number, number];
  assert.equal(hooks.size, 1);

  // The hook runs inside process.on('exit'): it must act synchronously, with no grace period.
  for (const hook of hooks) hook();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(await processGone(leader), 'the tool ignored SIGTERM yet is gone');
  assert.ok(await processGone(grandchild));
  await source.stop();
  assert.equal(hooks.size, 0, 'stop() unregisters the hook');
});
