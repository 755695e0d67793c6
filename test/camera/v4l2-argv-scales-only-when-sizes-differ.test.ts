import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createV4l2Source, v4l2Args } from '../../src/agent/camera/v4l2.ts';

test('ffmpeg v4l2 argv: no -input_format unless configured, no scale filter when the sizes agree', () => {
  assert.deepEqual(v4l2Args({ device: '/dev/video0', width: 640, height: 480, fps: 30 }), [
    '-hide_banner', '-loglevel', 'warning', '-nostdin', '-f', 'v4l2', '-framerate', '30', '-video_size', '640x480',
    '-i', '/dev/video0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ]);
  const scaled = v4l2Args({ device: '/dev/video1', width: 320, height: 240, fps: 15, inputFormat: 'yuyv422', captureWidth: 640 });
  assert.deepEqual(scaled.slice(6, 10), ['-input_format', 'yuyv422', '-framerate', '15']);
  assert.deepEqual(scaled.slice(10, 16), ['-video_size', '640x240', '-i', '/dev/video1', '-vf', 'scale=320:240']);
});

test('a device outside /dev and bad sizes are refused naming the field', () => {
  const deps = captureDeps();
  assert.throws(() => createV4l2Source({ device: 'video0', width: 640, height: 480, fps: 30 }, deps), (e) => isLookoutError(e) && e.where === 'camera.device');
  assert.throws(() => createV4l2Source({ device: '/dev/video0', width: 640, height: 480, fps: 30, captureHeight: -1 }, deps), (e) => isLookoutError(e) && e.where === 'camera.captureHeight');
});
