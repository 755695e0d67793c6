import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, recordingLogger, standInEnv, testDeps, waitFor } from './support/stand-ins.ts';

test('a consumer that throws on every frame neither stops capture nor writes a log line per frame', async () => {
  const logger = recordingLogger();
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps(standInEnv({ STANDIN_FPS: '200' }), logger));
  await source.start(() => {
    throw new Error('telemetry bug');
  });
  await waitFor('40 frames', () => source.stats.captured >= 40);
  await source.stop();
  const errors = logger.lines.filter((l) => l.msg === 'frame consumer threw');
  assert.ok(errors.length >= 1);
  assert.ok(errors.length <= Math.log2(source.stats.captured) + 1, `${errors.length} lines for ${source.stats.captured} frames`);
  assert.equal(source.stats.restarts, 0);
  assert.ok(source.stats.poolMisses > 0, 'buffers never released are counted as pool misses');
});
