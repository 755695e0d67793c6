import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxMapping, letterboxGeometry, mapBoxToFrame } from '../../src/agent/detect/letterbox.ts';

const mapping = (w: number, h: number, iw: number, ih: number) => boxMapping(letterboxGeometry(w, h, iw, ih));

test('1280x720 frame, 640 input: gain 0.5, pad (0, 140), so input (100,150,300,400) is frame (200,20,600,520)', () => {
  const m = mapping(1280, 720, 640, 640);
  assert.deepEqual([m.gain, m.padX, m.padY], [0.5, 0, 140]);
  assert.deepEqual(mapBoxToFrame(m, 100, 150, 300, 400), [200, 20, 600, 520]);
});

test('boxes are clipped to [0, width] x [0, height]', () => {
  const m = mapping(1280, 720, 640, 640);
  assert.deepEqual(mapBoxToFrame(m, -10, 130, 700, 600), [0, 0, 1280, 720]);
});

test('portrait 720x1280: the pad is on x', () => {
  const m = mapping(720, 1280, 640, 640);
  assert.deepEqual([m.padX, m.padY], [140, 0]);
  assert.deepEqual(mapBoxToFrame(m, 150, 10, 240, 30), [20, 20, 200, 60]);
});

test('odd 333x501: gain 640/501, pad x 107 (the letterbox left pad)', () => {
  const m = mapping(333, 501, 640, 640);
  assert.deepEqual([m.gain, m.padX, m.padY], [640 / 501, 107, 0]);
  const [x1, y1, x2, y2] = mapBoxToFrame(m, 107 + 100 * m.gain, 50 * m.gain, 107 + 333 * m.gain, 501 * m.gain);
  assert.ok(Math.abs(x1 - 100) < 1e-9 && Math.abs(y1 - 50) < 1e-9 && Math.abs(x2 - 333) < 1e-9 && Math.abs(y2 - 501) < 1e-9);
});

test('61x97 into 320x192: the pad is the 99 columns really added, not scale_boxes formula\'s 100', () => {
  // r = 192/97; width round(61 r) = round(120.74) = 121; left = round((320 - 121)/2 - 0.1) = round(99.4) = 99,
  // while round((320 - 61 r)/2 - 0.1) = round(99.53) = 100.
  const m = mapping(61, 97, 320, 192);
  assert.equal(m.padX, 99);
  assert.equal(mapBoxToFrame(m, 99, 0, 320, 192)[0], 0);
});

test('round trip: frame box -> letterboxed input -> frame box, for odd, portrait and landscape sizes', () => {
  const sizes: [number, number, number, number][] = [[1920, 1080, 640, 640], [333, 501, 640, 640], [97, 61, 64, 64], [61, 97, 320, 192], [5, 128, 64, 64]];
  for (const [w, h, iw, ih] of sizes) {
    const g = letterboxGeometry(w, h, iw, ih);
    const m = boxMapping(g);
    const box = [w * 0.1, h * 0.2, w * 0.7, h * 0.9];
    const back = mapBoxToFrame(m, box[0]! * g.scale + g.left, box[1]! * g.scale + g.top, box[2]! * g.scale + g.left, box[3]! * g.scale + g.top);
    back.forEach((v, i) => {
      assert.ok(Math.abs(v - box[i]!) < 1e-9, `${w}x${h} coordinate ${i}: ${v} vs ${box[i]!}`);
    });
  }
});
