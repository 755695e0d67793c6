import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rgbToI420 } from '../../src/agent/camera/i420.ts';
import { difference, ffmpeg } from './support/stand-ins.ts';

test("RGB to I420 matches ffmpeg's own rgb24 -> yuv420p conversion (BT.601, limited range)", async () => {
  const [w, h] = [160, 120];
  // One picture, once as RGB24 and once converted by ffmpeg's swscale, both from the same lavfi source.
  const source = ['-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=1,format=rgb24`, '-frames:v', '1', '-f', 'rawvideo'];
  const rgb = await ffmpeg([...source, '-pix_fmt', 'rgb24', 'pipe:1']);
  const reference = await ffmpeg([...source, '-pix_fmt', 'yuv420p', 'pipe:1']);
  const ours = rgbToI420(rgb, w, h);

  const luma = difference(ours.subarray(0, w * h), reference.subarray(0, w * h));
  const chroma = difference(ours.subarray(w * h), reference.subarray(w * h));
  assert.ok(luma.max <= 1, `luma differs by up to ${luma.max}`);
  // swscale filters chroma with its own kernel, not a 2x2 mean: equal on flat areas, close on edges.
  assert.ok(chroma.mean < 1.5, `chroma mean difference ${chroma.mean}`);
});
