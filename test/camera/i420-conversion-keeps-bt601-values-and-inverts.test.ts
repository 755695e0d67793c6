import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { i420ToRgb, rgbToI420 } from '../../src/agent/camera/i420.ts';

function solid(r: number, g: number, b: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < out.length; i += 3) out.set([r, g, b], i);
  return out;
}

test('primaries, black and white land on the BT.601 limited-range values', () => {
  // [R, G, B] -> [Y, Cb, Cr], ITU-R BT.601 with 8-bit limited range (Y 16..235, C 16..240).
  const cases: [number[], number[]][] = [
    [[0, 0, 0], [16, 128, 128]],
    [[255, 255, 255], [235, 128, 128]],
    [[255, 0, 0], [81, 90, 240]],
    [[0, 255, 0], [145, 54, 34]],
    [[0, 0, 255], [41, 240, 110]],
  ];
  for (const [[r, g, b], [y, u, v]] of cases) {
    const i420 = rgbToI420(solid(r!, g!, b!, 2, 2), 2, 2);
    assert.deepEqual(Array.from(i420), [y, y, y, y, u, v], `rgb(${r}, ${g}, ${b})`);
  }
});

test('chroma is the mean of each 2x2 block, odd sizes included, and the inverse restores the picture', () => {
  const w = 5;
  const h = 3;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgb.set([40 + 6 * x, 200 - 8 * y, 90 + 3 * (x + y)], (y * w + x) * 3);
  }
  const i420 = rgbToI420(rgb, w, h);
  assert.equal(i420.length, w * h + 2 * 3 * 2);
  const back = i420ToRgb(i420, w, h);
  for (let i = 0; i < rgb.length; i++) {
    // Smooth ramps: subsampled chroma costs a few levels, no more.
    assert.ok(Math.abs(back[i]! - rgb[i]!) <= 6, `byte ${i}: ${back[i]} vs ${rgb[i]}`);
  }
  // A chroma sample at the edge of an odd size averages only the pixels that exist (here: one).
  const lone = rgbToI420(solid(255, 0, 0, 1, 1), 1, 1);
  assert.deepEqual(Array.from(lone), [81, 90, 240]);
});

test('buffers of the wrong size are refused with FRAME_SIZE_MISMATCH', () => {
  assert.throws(() => rgbToI420(new Uint8Array(11), 2, 2), (e) => isLookoutError(e) && e.code === 'FRAME_SIZE_MISMATCH' && e.where === 'rgb');
  assert.throws(() => rgbToI420(new Uint8Array(12), 2, 2, new Uint8Array(5)), (e) => isLookoutError(e) && e.where === 'i420 output');
  assert.throws(() => i420ToRgb(new Uint8Array(5), 2, 2), (e) => isLookoutError(e) && e.where === 'i420');
});
