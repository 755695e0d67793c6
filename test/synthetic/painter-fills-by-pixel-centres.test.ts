import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Painter } from '../../src/agent/camera/synthetic/painter.ts';

function count(mask: Uint8Array, id: number): number {
  let n = 0;
  for (const v of mask) if (v === id) n++;
  return n;
}

test('shapes cover exactly the pixels whose centres they contain, and details never grow a silhouette', () => {
  const w = 40;
  const h = 30;
  const mask = new Uint8Array(w * h);
  const rgb = new Uint8Array(w * h * 3);
  const p = new Painter({ rgb, mask, width: w, height: h });
  // Centres 1.5..4.5 lie in [1.2, 4.6), centres 1.5 and 2.5 in [1.2, 3.4): 4 x 2 pixels.
  p.setId(1).solid(0x102030).rect(1.2, 1.2, 4.6, 3.4);
  assert.equal(count(mask, 1), 8);
  assert.deepEqual([...rgb.subarray((1 * w + 1) * 3, (1 * w + 1) * 3 + 3)], [0x10, 0x20, 0x30]);

  // A disc of radius 5 centred on a pixel corner covers the centres within 5: 4 * 19 = 76 of them.
  mask.fill(0);
  p.setId(2).ellipse(20, 15, 5, 5);
  let expected = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x + 0.5 - 20) ** 2 + (y + 0.5 - 15) ** 2 < 25) expected++;
  assert.equal(count(mask, 2), expected);

  // Detail paint recolours only the id's own pixels: the silhouette stays the same size.
  p.setId(2, true).solid(0xffffff).rect(0, 0, w, h);
  assert.equal(count(mask, 2), expected);
  let white = 0;
  for (let i = 0; i < w * h; i++) if (rgb[i * 3] === 255 && rgb[i * 3 + 1] === 255 && rgb[i * 3 + 2] === 255) white++;
  assert.equal(white, expected);

  // A scratch window with an origin sees shapes in scene coordinates, clipped to itself.
  const win = new Uint8Array(10 * 10);
  new Painter({ rgb: null, mask: win, width: 10, height: 10, originX: 100, originY: -5 }).setId(3).rect(95, -10, 104, 2);
  assert.equal(count(win, 3), 4 * 7);
});
