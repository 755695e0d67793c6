import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createFileVideoSource } from '../../src/agent/camera/file-video.ts';
import { difference, fastSettings, ffmpeg, startCollecting, tempDir, waitFor } from './support/stand-ins.ts';

test('a looping video at a set rate starts over at its end and is paced in real time', async () => {
  const dir = await tempDir('loop');
  const clip = `${dir}/clip.mkv`;
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=20', '-frames:v', '5', '-c:v', 'ffv1', clip]);
  const source = await createFileVideoSource({ path: clip, width: 64, height: 48, rate: 20, loop: true, settings: fastSettings }, captureDeps());
  const got = await startCollecting(source);
  await waitFor('12 frames', () => got.frames.length >= 12);
  await source.stop();

  // testsrc2 moves between frame 0 and frame 3; frames 5 and 8 are frames 0 and 3 again: the clip looped.
  assert.ok(difference(got.copies[3]!, got.copies[0]!).max > 50, 'the clip is not a still');
  assert.ok(difference(got.copies[5]!, got.copies[0]!).max <= 2);
  assert.ok(difference(got.copies[8]!, got.copies[3]!).max <= 2);
  // 20 fps in real time: 11 intervals take about 550 ms (-re paces the reading), not a burst.
  const span = got.frames[11]!.capturedAt - got.frames[0]!.capturedAt;
  assert.ok(span >= 400, `12 frames took ${span} ms`);
  assert.equal(source.stats.restarts, 0);
});
