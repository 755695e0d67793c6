import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';

// Magenta is in no palette: on a flat magenta background every other pixel belongs to an object.
const BG = [255, 0, 255] as const;
const W = 240;
const H = 180;

function objectPixels(rgb: Uint8Array): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let p = 0; p < W * H; p++) {
    if (rgb[p * 3] !== BG[0] || rgb[p * 3 + 1] !== BG[1] || rgb[p * 3 + 2] !== BG[2]) out.push({ x: p % W, y: Math.floor(p / W) });
  }
  return out;
}

test('a lone object\'s box is exactly the bounding box of the pixels drawn for it', () => {
  let checked = 0;
  for (let seed = 0; seed < 80; seed++) {
    const img = renderScene({ width: W, height: H, seed, objectCount: 1, flatBackground: 0xff00ff });
    const px = objectPixels(img.rgb);
    const [gt] = img.objects;
    if (gt === undefined) {
      // Objects that would fail the visibility or size rule are not drawn at all.
      assert.equal(px.length, 0, `seed ${seed}: unlabelled pixels`);
      continue;
    }
    const box = [Math.min(...px.map((p) => p.x)), Math.min(...px.map((p) => p.y)), Math.max(...px.map((p) => p.x)) + 1, Math.max(...px.map((p) => p.y)) + 1];
    assert.deepEqual(gt.box, box, `seed ${seed} (${gt.label})`);
    checked++;
  }
  assert.ok(checked > 60, `only ${checked} scenes had an object`);
});

test('with several objects every drawn pixel lies in some ground-truth box', () => {
  for (let seed = 100; seed < 140; seed++) {
    const img = renderScene({ width: W, height: H, seed, objectCount: 6, flatBackground: 0xff00ff });
    const px = objectPixels(img.rgb);
    const inside = (p: { x: number; y: number }): boolean => img.objects.some(({ box: [x1, y1, x2, y2] }) => p.x >= x1 && p.x < x2 && p.y >= y1 && p.y < y2);
    assert.ok(px.every(inside), `seed ${seed}: a drawn pixel is outside every box`);
    for (const o of img.objects) {
      const [x1, y1, x2, y2] = o.box;
      // Tight: each edge row/column of the box holds at least one drawn pixel.
      assert.ok(px.some((p) => p.x === x1 && p.y >= y1 && p.y < y2), `seed ${seed}: left edge`);
      assert.ok(px.some((p) => p.x === x2 - 1 && p.y >= y1 && p.y < y2), `seed ${seed}: right edge`);
      assert.ok(px.some((p) => p.y === y1 && p.x >= x1 && p.x < x2), `seed ${seed}: top edge`);
      assert.ok(px.some((p) => p.y === y2 - 1 && p.x >= x1 && p.x < x2), `seed ${seed}: bottom edge`);
    }
  }
});
