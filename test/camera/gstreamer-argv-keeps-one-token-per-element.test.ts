import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createGstreamerSource, gstFraction, gstreamerArgs } from '../../src/agent/camera/gstreamer.ts';

test('the Jetson pipeline is one argv element per gst-launch token, caps unquoted', () => {
  assert.deepEqual(gstreamerArgs({ width: 640, height: 480, fps: 30 }), [
    '-q', 'nvarguscamerasrc', 'sensor-id=0', '!', 'video/x-raw(memory:NVMM),width=640,height=480,framerate=30/1', '!',
    'nvvidconv', '!', 'video/x-raw,format=I420', '!', 'fdsink', 'fd=1',
  ]);
  assert.equal(gstFraction(29.97), '2997/100');
  assert.equal(gstFraction(15), '15/1');
});

test('a bad flip method or sensor index is refused naming the field', () => {
  const deps = captureDeps();
  assert.throws(() => createGstreamerSource({ width: 640, height: 480, fps: 30, flipMethod: 8 }, deps), (e) => isLookoutError(e) && e.where === 'camera.flipMethod');
  assert.throws(() => createGstreamerSource({ width: 640, height: 480, fps: 30, sensorId: -1 }, deps), (e) => isLookoutError(e) && e.where === 'camera.sensorId');
});
