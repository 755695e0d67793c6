import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, processGone, recordingLogger, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('a capture tool that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
  const dir = await tempDir('sigkill');
  const pidFile = `${dir}/pids`;
  const logger = recordingLogger();
  const env = standInEnv({ STANDIN_PIDFILE: pidFile, STANDIN_IGNORE_TERM: '1' });
  const settings = { ...fastSettings, killGraceMs: 300 };
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings }, testDeps(env, logger));
  const got = await startCollecting(source);
  await waitFor('a frame', () => got.frames.length > 0);
  const [leader, grandchild] = (await readFile(pidFile, 'utf8')).split(' ').map(Number) as [number, number];

  const t0 = performance.now();
  await source.stop();
  const took = performance.now() - t0;
  assert.ok(took >= 300, `stop waited the grace period (${took} ms)`);
  assert.ok(await processGone(leader));
  assert.ok(await processGone(grandchild));
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /SIGKILL/.test(l.msg ?? '')));
});
