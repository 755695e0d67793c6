import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxMapping, mapBoxToFrame } from '../../src/agent/detect/letterbox.ts';
import { LetterboxPreprocessor } from '../../src/agent/detect/preprocess.ts';

const PAD = 114 / 255;

function channel(p: LetterboxPreprocessor, c: number, y: number): number[] {
  const plane = p.width * p.height;
  return Array.from(p.tensor.subarray(c * plane + y * p.width, c * plane + (y + 1) * p.width)).map((v) => Math.round(v * 255 * 1000) / 1000);
}

test('2x1 RGB into 4x4: upscale x2 with half-pixel taps, one pad row above and below', () => {
  // Taps for 2 -> 4: d=0 clamps to pixel 0; d=1 0.75/0.25; d=2 0.25/0.75; d=3 clamps to pixel 1 (cv2 INTER_LINEAR).
  const p = new LetterboxPreprocessor(4, 4);
  const g = p.fill({ data: Uint8Array.from([10, 20, 30, 50, 60, 70]), width: 2, height: 1, format: 'rgb24' });
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [4, 2, 0, 1]);
  const pad = Math.round(PAD * 255 * 1000) / 1000;
  for (const c of [0, 1, 2]) {
    assert.deepEqual(channel(p, c, 0), [pad, pad, pad, pad], `channel ${c} row 0 is padding`);
    assert.deepEqual(channel(p, c, 3), [pad, pad, pad, pad], `channel ${c} row 3 is padding`);
  }
  assert.deepEqual(channel(p, 0, 1), [10, 20, 40, 50]);
  assert.deepEqual(channel(p, 1, 2), [20, 30, 50, 60]);
  assert.deepEqual(channel(p, 2, 1), [30, 40, 60, 70]);
});

test('exact 2x downscale averages each 2x2 block (what cv2 does for INTER_LINEAR at scale 2)', () => {
  const w = 4;
  const h = 4;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set([i * 10, 255 - i * 10, (i * 37) % 256], i * 3);
  const p = new LetterboxPreprocessor(2, 2);
  p.fill({ data, width: w, height: h, format: 'rgb24' });
  const px = (x: number, y: number, c: number): number => data[(y * w + x) * 3 + c]!;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        const avg = (px(2 * x, 2 * y, c) + px(2 * x + 1, 2 * y, c) + px(2 * x, 2 * y + 1, c) + px(2 * x + 1, 2 * y + 1, c)) / 4;
        assert.ok(Math.abs(p.tensor[c * 4 + y * 2 + x]! * 255 - avg) < 1e-3, `c${c} (${x},${y})`);
      }
    }
  }
});

test('the tensor is reused: a new frame size re-pads, the same size overwrites only the image area', () => {
  const p = new LetterboxPreprocessor(4, 4);
  const tensor = p.tensor;
  p.fill({ data: new Uint8Array(2 * 1 * 3).fill(255), width: 2, height: 1, format: 'rgb24' });
  p.fill({ data: new Uint8Array(1 * 2 * 3).fill(0), width: 1, height: 2, format: 'rgb24' });
  assert.equal(p.tensor, tensor);
  // 1x2 portrait: columns 1..2 hold the image, columns 0 and 3 are padding, nothing white is left.
  assert.deepEqual(channel(p, 0, 0).map((v) => Math.round(v)), [114, 0, 0, 114]);
  assert.deepEqual(channel(p, 0, 3).map((v) => Math.round(v)), [114, 0, 0, 114]);
});

test('round trip: a rectangle drawn in an odd-sized frame lands where mapBoxToFrame says, within one frame pixel', () => {
  for (const [w, h] of [[97, 61], [61, 97], [200, 37]] as const) {
    const rect = [Math.round(w * 0.3), Math.round(h * 0.25), Math.round(w * 0.8), Math.round(h * 0.6)] as const;
    const data = new Uint8Array(w * h * 3);
    for (let y = rect[1]; y < rect[3]; y++) for (let x = rect[0]; x < rect[2]; x++) data[(y * w + x) * 3] = 255;
    const p = new LetterboxPreprocessor(64, 64);
    const g = p.fill({ data, width: w, height: h, format: 'rgb24' });
    // Extent of red >= 0.5 in the tensor (pixel edges: last index + 1).
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (p.tensor[y * 64 + x]! >= 0.5) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x + 1);
          y2 = Math.max(y2, y + 1);
        }
      }
    }
    const back = mapBoxToFrame(boxMapping(g), x1, y1, x2, y2);
    back.forEach((v, i) => {
      assert.ok(Math.abs(v - rect[i]!) <= 1 / g.scale, `${w}x${h} edge ${i}: ${v} vs ${rect[i]!}`);
    });
  }
});
