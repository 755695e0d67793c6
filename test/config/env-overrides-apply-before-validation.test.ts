import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

test('LOOKOUT_SECTION__FIELD overrides a field, read as a YAML scalar', () => {
  const c = parseConfig({}, 'x', { LOOKOUT_DEVICE__ID: 'gate-7', LOOKOUT_DETECTOR__THREADS: '2', LOOKOUT_CAMERA__SOURCE: 'synthetic', LOOKOUT_CAMERA__FPS: '5', OTHER: '1' });
  assert.equal(c.device.id, 'gate-7');
  assert.equal(c.detector.threads, 2);
  assert.equal(c.camera.fps, 5);
});

test('an override is validated like the file', () => {
  assert.throws(() => parseConfig({}, 'x', { LOOKOUT_DEVICE__ID: 'bad/id' }), (e) => e instanceof ConfigError && e.issues[0]?.path === 'device.id');
});

test('defaults give the embedded synthetic camera and the bundled model', () => {
  const c = parseConfig(undefined, 'x');
  assert.equal(c.camera.source, 'synthetic');
  assert.equal(c.detector.model, 'models/lookout-int8.onnx');
  assert.deepEqual(c.detector.providers, ['cpu']);
  assert.equal(c.gpio.backend, 'sim');
});

test('a camera section without a source is an error, never a silent synthetic camera', () => {
  assert.throws(() => parseConfig({ camera: { fps: 5 } }, 'x'), (e) => e instanceof ConfigError && e.issues[0]?.path === 'camera.source');
});
