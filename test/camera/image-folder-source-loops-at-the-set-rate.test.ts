import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createImageFolderSource } from '../../src/agent/camera/image-folder.ts';
import { ffmpeg, startCollecting, tempDir, waitFor } from './support/stand-ins.ts';

test('a looping image folder repeats its images at the set frame rate and resizes them to the frame size', async () => {
  const dir = await tempDir('images-loop');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=100x80:rate=1', '-frames:v', '2', join(dir, 'frame-%02d.jpg')]);
  const source = await createImageFolderSource({ folder: dir, width: 50, height: 40, rate: 25, loop: true, fit: 'fill' }, captureDeps());
  const got = await startCollecting(source);
  await waitFor('7 frames', () => got.frames.length >= 7);
  await source.stop();
  const after = got.frames.length;
  await new Promise((resolve) => setTimeout(resolve, 100));

  assert.equal(got.frames.length, after, 'no frame after stop()');
  assert.equal(got.copies[0]!.length, 50 * 40 * 1.5);
  assert.deepEqual(got.copies[2], got.copies[0]);
  assert.deepEqual(got.copies[3], got.copies[1]);
  assert.notDeepEqual(got.copies[1], got.copies[0]);
  // 25 fps: six intervals take about 240 ms.
  const span = got.frames[6]!.capturedAt - got.frames[0]!.capturedAt;
  assert.ok(span >= 200 && span < 1200, `7 frames took ${span} ms`);
});
