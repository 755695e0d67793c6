import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import type { EndedEvent } from '../../src/agent/camera/frame-source.ts';
import { createImageFolderSource } from '../../src/agent/camera/image-folder.ts';
import { difference, ffmpeg, startCollecting, tempDir, waitFor } from './support/stand-ins.ts';

test('an image folder plays in natural name order, each image as ffmpeg would convert it to yuv420p', async () => {
  const dir = await tempDir('images');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=1', '-frames:v', '3', '-start_number', '1', join(dir, 'img%d.png')]);
  // img10 sorts after img2 in natural order (and before it in plain string order).
  await rename(join(dir, 'img3.png'), join(dir, 'img10.png'));
  await writeFile(join(dir, 'notes.txt'), 'not an image');
  const source = await createImageFolderSource({ folder: dir, width: 64, height: 48, rate: 'max', loop: false }, captureDeps());
  const ended: EndedEvent[] = [];
  source.on('ended', (e) => ended.push(e));
  const got = await startCollecting(source);
  await waitFor('the end of the folder', () => ended.length > 0);
  await source.stop();

  assert.deepEqual(ended, [{ frames: 3 }]);
  const luma = 64 * 48;
  for (const [k, name] of ['img1.png', 'img2.png', 'img10.png'].entries()) {
    const reference = await ffmpeg(['-i', join(dir, name), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    const frame = got.copies[k]!;
    assert.equal(frame.length, reference.length);
    const y = difference(frame.subarray(0, luma), reference.subarray(0, luma));
    const c = difference(frame.subarray(luma), reference.subarray(luma));
    assert.ok(y.max <= 1, `${name}: luma differs by up to ${y.max}`);
    assert.ok(c.mean < 2, `${name}: chroma mean difference ${c.mean}`);
    assert.equal(got.frames[k]!.seq, k);
  }
});
