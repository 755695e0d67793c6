import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndedEvent } from '../../src/agent/camera/frame-source.ts';
import { createFileVideoSource } from '../../src/agent/camera/file-video.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { difference, fastSettings, ffmpeg, startCollecting, tempDir, waitFor } from './support/stand-ins.ts';

test('a video file played once at full speed yields every frame as ffmpeg decodes it, then ends', async () => {
  const dir = await tempDir('video');
  const clip = `${dir}/clip.mp4`;
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=120x90:rate=25', '-frames:v', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const source = await createFileVideoSource({ path: clip, width: 120, height: 90, rate: 'max', loop: false, settings: fastSettings }, captureDeps());
  const ended: EndedEvent[] = [];
  source.on('ended', (e) => ended.push(e));
  const got = await startCollecting(source);
  await waitFor('the end of the file', () => ended.length > 0);
  await source.stop();

  assert.deepEqual(ended, [{ frames: 10 }]);
  assert.equal(got.frames.length, 10);
  assert.equal(source.stats.restarts, 0);
  assert.equal(source.stats.shortReads, 0);
  const frameBytes = 120 * 90 * 1.5;
  const reference = await ffmpeg(['-i', clip, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
  assert.equal(reference.length, 10 * frameBytes);
  for (let k = 0; k < 10; k++) {
    const d = difference(got.copies[k]!, reference.subarray(k * frameBytes, (k + 1) * frameBytes));
    assert.ok(d.max <= 2 && d.mean < 0.1, `frame ${k}: max ${d.max}, mean ${d.mean}`);
  }
});
