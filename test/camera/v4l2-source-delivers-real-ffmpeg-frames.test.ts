import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createV4l2Source } from '../../src/agent/camera/v4l2.ts';
import { difference, fastSettings, ffmpeg, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('the v4l2 adapter reads frames real ffmpeg wrote with its argv, matching an independent decode', async () => {
  const dir = await tempDir('v4l2');
  const clip = `${dir}/camera.mkv`;
  const log = `${dir}/runs.jsonl`;
  // What the USB camera "sees": 12 frames of 160x120. The stand-in ffmpeg checks the v4l2 argv, then runs the
  // real ffmpeg on this clip with the adapter's output options (scale to 96x72, rawvideo yuv420p).
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-frames:v', '12', '-c:v', 'ffv1', clip]);
  const source = createV4l2Source(
    { device: '/dev/video2', width: 96, height: 72, fps: 10, inputFormat: 'mjpeg', captureWidth: 160, captureHeight: 120, settings: fastSettings },
    testDeps(standInEnv({ STANDIN_LOG: log, STANDIN_CLIP: clip })),
  );
  const got = await startCollecting(source);
  await waitFor('12 frames', () => got.frames.length >= 12);
  await source.stop();

  const frameBytes = 96 * 72 * 1.5;
  const reference = await ffmpeg(['-i', clip, '-vf', 'scale=96:72', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
  assert.equal(reference.length, 12 * frameBytes);
  for (let k = 0; k < 12; k++) {
    assert.equal(got.copies[k]!.length, frameBytes);
    const d = difference(got.copies[k]!, reference.subarray(k * frameBytes, (k + 1) * frameBytes));
    assert.ok(d.max <= 2 && d.mean < 0.1, `frame ${k}: max ${d.max}, mean ${d.mean}`);
  }
  const runs = await readRuns(log);
  assert.deepEqual(runs[0]?.argv, [
    '-hide_banner', '-loglevel', 'warning', '-nostdin', '-f', 'v4l2', '-input_format', 'mjpeg', '-framerate', '10',
    '-video_size', '160x120', '-i', '/dev/video2', '-vf', 'scale=96:72', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
  ]);
});
