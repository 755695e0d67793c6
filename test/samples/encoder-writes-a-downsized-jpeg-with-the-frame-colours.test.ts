import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { isLookoutError } from '../../src/errors.ts';
import { SampleEncoder, sampleSize } from '../../src/agent/telemetry/samples/sample-encoder.ts';
import { quadrantFrame } from './helpers.ts';

test('a 1280x720 I420 frame becomes a 640x360 JPEG whose quadrants keep their colours', async () => {
  const encoder = new SampleEncoder({ maxLongSide: 640, jpegQuality: 80 });
  const encoded = await encoder.tryEncode(quadrantFrame(1280, 720), 1280, 720);
  assert.ok(encoded !== undefined);
  assert.deepEqual([encoded.width, encoded.height, encoded.sourceWidth, encoded.sourceHeight, encoded.quality], [640, 360, 1280, 720, 80]);

  const meta = await sharp(encoded.jpeg).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 360]);
  const { data, info } = await sharp(encoded.jpeg).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  const at = (x: number, y: number): number[] => Array.from(data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
  const near = (got: number[], want: number[]): boolean => got.every((v, i) => Math.abs(v - want[i]!) <= 12);
  for (const [x, y, want] of [[160, 90, [230, 20, 20]], [480, 90, [20, 200, 40]], [160, 270, [30, 40, 220]], [480, 270, [245, 245, 245]]] as const) {
    assert.ok(near(at(x, y), [...want]), `(${x}, ${y}) is ${at(x, y).join(',')}, expected about ${want.join(',')}`);
  }
  assert.equal(encoder.stats.copies, 1);
  assert.equal(encoder.stats.encoded, 1);
  assert.equal(encoder.busy, false);
});

test('a frame within the long side keeps its size; aspect is kept for portrait and odd sizes', async () => {
  assert.deepEqual(sampleSize(640, 480, 640), { width: 640, height: 480 });
  assert.deepEqual(sampleSize(320, 240, 640), { width: 320, height: 240 });
  assert.deepEqual(sampleSize(1080, 1920, 640), { width: 360, height: 640 });
  assert.deepEqual(sampleSize(1001, 333, 500), { width: 500, height: 166 });

  const encoder = new SampleEncoder({ maxLongSide: 640, jpegQuality: 90 });
  const small = await encoder.tryEncode(quadrantFrame(63, 47), 63, 47);
  assert.ok(small !== undefined);
  assert.deepEqual([small.width, small.height], [63, 47]);
  const meta = await sharp(small.jpeg).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 63, 47]);
});

test('a frame of the wrong byte length is refused with a code', async () => {
  const encoder = new SampleEncoder({ maxLongSide: 640, jpegQuality: 80 });
  await assert.rejects(
    encoder.tryEncode(new Uint8Array(100), 64, 48) ?? Promise.resolve(),
    (e: unknown) => isLookoutError(e) && e.code === 'FRAME_SIZE_MISMATCH',
  );
  assert.equal(encoder.busy, false);
  assert.equal(encoder.stats.copies, 0);
});
