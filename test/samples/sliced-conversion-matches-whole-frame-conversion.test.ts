import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameByteLength } from '../../src/agent/camera/frame.ts';
import { i420ToRgb } from '../../src/agent/camera/i420.ts';
import { Rng } from '../../src/agent/camera/synthetic/prng.ts';
import { i420ToRgbInSlices } from '../../src/agent/telemetry/samples/i420-slices.ts';

test('converting I420 in slices of rows gives the bytes of one whole-frame conversion, odd sizes included', async () => {
  const rng = new Rng(11);
  for (const [width, height, slicePixels] of [[333, 201, 2000], [64, 48, 64 * 6], [17, 9, 1], [640, 480, 1 << 20]] as const) {
    const src = new Uint8Array(frameByteLength('i420', width, height));
    for (let i = 0; i < src.length; i++) src[i] = rng.u32() & 0xff;
    const whole = i420ToRgb(src, width, height);
    const sliced = new Uint8Array(width * height * 3);
    await i420ToRgbInSlices(src, width, height, sliced, { slicePixels });
    assert.ok(Buffer.from(sliced).equals(Buffer.from(whole)), `${width}x${height} in slices of ${slicePixels} px`);
  }
});

test('a large frame yields to the event loop between slices', async () => {
  const width = 1280;
  const height = 720;
  const src = new Uint8Array(frameByteLength('i420', width, height)).fill(128);
  let immediates = 0;
  const count = (): void => {
    immediates++;
    if (immediates < 1000) setImmediate(count);
  };
  setImmediate(count);
  await i420ToRgbInSlices(src, width, height, new Uint8Array(width * height * 3), { slicePixels: 1280 * 90 });
  // 720 rows in slices of 90: 8 slices, 7 turns of the loop in between, each letting other callbacks run.
  assert.ok(immediates >= 7, `${immediates} other callbacks ran during the conversion`);
  assert.ok(immediates < 1000, 'the conversion finished');
});
