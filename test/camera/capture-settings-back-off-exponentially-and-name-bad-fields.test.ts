import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureSettings } from '../../src/agent/camera/camera-options.ts';
import { backoffDelay, defaultCaptureSettings } from '../../src/agent/camera/capture-settings.ts';

test('the restart delay starts at 0.5 s and doubles per consecutive failure up to 30 s', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, defaultCaptureSettings));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  assert.equal(defaultCaptureSettings.stallMs, 3000);
});

test('settings merge over the defaults and a bad one names its field', () => {
  assert.equal(captureSettings({ stallMs: 1000 }).firstFrameMs, defaultCaptureSettings.firstFrameMs);
  assert.equal(captureSettings({ maxRestarts: 0 }).maxRestarts, 0);
  assert.throws(() => captureSettings({ stallMs: 0 }), (e) => isLookoutError(e) && e.code === 'CAMERA_BAD_OPTION' && e.where === 'camera.stallMs');
  assert.throws(() => captureSettings({ maxRestarts: 1.5 }), (e) => isLookoutError(e) && e.where === 'camera.maxRestarts');
});
