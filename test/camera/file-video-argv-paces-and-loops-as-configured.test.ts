import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createFileVideoSource, fileVideoArgs } from '../../src/agent/camera/file-video.ts';

test('-re paces native and set rates, -r sets the rate, -stream_loop loops; max rate reads as fast as it can', () => {
  const base = { path: 'in.mp4', width: 320, height: 240 };
  assert.deepEqual(fileVideoArgs({ ...base, rate: 'native', loop: false }), [
    '-hide_banner', '-loglevel', 'warning', '-nostdin', '-re', '-i', 'in.mp4', '-an', '-sn', '-vf', 'scale=320:240',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ]);
  const looped = fileVideoArgs({ ...base, rate: 12.5, loop: true });
  assert.deepEqual(looped.slice(4, 9), ['-re', '-stream_loop', '-1', '-i', 'in.mp4']);
  assert.deepEqual(looped.slice(13, 15), ['-r', '12.5']);
  assert.ok(!fileVideoArgs({ ...base, rate: 'max', loop: false }).includes('-re'));
});

test('a missing video is reported with its path; a URL is left to ffmpeg', async () => {
  const deps = captureDeps();
  await assert.rejects(
    createFileVideoSource({ path: '/nonexistent/clip.mp4', width: 320, height: 240, rate: 'max', loop: false }, deps),
    (e) => isLookoutError(e) && e.code === 'VIDEO_NOT_FOUND' && e.where === '/nonexistent/clip.mp4',
  );
  const rtsp = await createFileVideoSource({ path: 'rtsp://camera.local/stream', width: 320, height: 240, rate: 'native', loop: false }, deps);
  assert.equal(rtsp.name, 'file:rtsp://camera.local/stream');
});
