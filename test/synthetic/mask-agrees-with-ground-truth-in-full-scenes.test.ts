import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_SIDE, MIN_VISIBILITY } from '../../src/agent/camera/synthetic/compositor.ts';
import { SYNTH_LABELS } from '../../src/agent/camera/synthetic/labels.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';

test('in full scenes each box is the bounding box of its mask id, and every kept object is visible and big enough', () => {
  const W = 320;
  const H = 240;
  let objects = 0;
  let empty = 0;
  const perClass = [0, 0, 0];
  for (let seed = 0; seed < 60; seed++) {
    const img = renderScene({ width: W, height: H, seed, withMask: true });
    const mask = img.mask!;
    assert.equal(mask.length, W * H);
    assert.ok(img.objects.length <= 6);
    if (img.objects.length === 0) empty++;
    img.objects.forEach((o, k) => {
      let x1 = W;
      let y1 = H;
      let x2 = 0;
      let y2 = 0;
      for (let p = 0; p < W * H; p++) {
        if (mask[p] !== k + 1) continue;
        const x = p % W;
        const y = Math.floor(p / W);
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
      assert.deepEqual(o.box, [x1, y1, x2, y2], `seed ${seed} object ${k}`);
      assert.ok(o.visibility >= MIN_VISIBILITY && o.visibility <= 1);
      assert.ok(x2 - x1 >= MIN_SIDE && y2 - y1 >= MIN_SIDE);
      assert.equal(o.label, SYNTH_LABELS[o.classId]);
      perClass[o.classId]!++;
      objects++;
    });
    for (const id of mask) assert.ok(id <= img.objects.length);
  }
  assert.ok(objects > 100, `only ${objects} objects in 60 scenes`);
  assert.ok(empty >= 1 && empty <= 15, `${empty} empty scenes of 60`);
  assert.ok(perClass.every((n) => n > 15), `class counts ${perClass.join(',')}`);
});
