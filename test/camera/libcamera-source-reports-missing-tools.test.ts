import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, tempDir, testDeps } from './support/stand-ins.ts';

test('start() rejects with CAPTURE_TOOL_NOT_FOUND naming both tool names when neither is installed', async () => {
  const empty = await tempDir('nopath');
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps({ PATH: empty }));
  await assert.rejects(source.start(() => undefined), (e) => isLookoutError(e) && e.code === 'CAPTURE_TOOL_NOT_FOUND' && e.where === 'rpicam-vid, libcamera-vid');
  // A failed start leaves the source startable and stoppable.
  await source.stop();
  await assert.rejects(source.start(() => undefined), (e) => isLookoutError(e) && e.code === 'CAPTURE_TOOL_NOT_FOUND');
});
