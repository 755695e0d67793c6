import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameByteLength } from '../../src/agent/camera/frame.ts';
import { Rng } from '../../src/agent/camera/synthetic/prng.ts';
import { isLookoutError } from '../../src/errors.ts';
import { SampleEncoder } from '../../src/agent/telemetry/samples/sample-encoder.ts';

/** Noise: the worst case for JPEG size. */
function noiseFrame(width: number, height: number): Uint8Array {
  const rng = new Rng(5);
  const frame = new Uint8Array(frameByteLength('i420', width, height));
  for (let i = 0; i < frame.length; i++) frame[i] = rng.u32() & 0xff;
  return frame;
}

test('a JPEG over the limit is re-encoded at lower quality until it fits, or refused below the floor', async () => {
  const frame = noiseFrame(320, 240);
  const unlimited = await new SampleEncoder({ maxLongSide: 640, jpegQuality: 80, maxJpegBytes: 1 << 30 }).tryEncode(frame, 320, 240);
  assert.ok(unlimited !== undefined);
  assert.equal(unlimited.quality, 80);

  const limit = unlimited.jpeg.length - 1;
  const fitted = await new SampleEncoder({ maxLongSide: 640, jpegQuality: 80, maxJpegBytes: limit }).tryEncode(frame, 320, 240);
  assert.ok(fitted !== undefined);
  assert.ok(fitted.quality < 80 && fitted.quality >= 20, `quality ${fitted.quality}`);
  assert.ok(fitted.jpeg.length <= limit);

  const tiny = new SampleEncoder({ maxLongSide: 640, jpegQuality: 80, maxJpegBytes: 500 });
  await assert.rejects(tiny.tryEncode(frame, 320, 240) ?? Promise.resolve(), (e: unknown) => isLookoutError(e) && e.code === 'SAMPLE_TOO_LARGE' && e.where === 'jpeg quality 20');
  assert.equal(tiny.busy, false);
});
