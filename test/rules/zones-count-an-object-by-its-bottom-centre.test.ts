import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoxXYXY } from '../../src/agent/detect/types.ts';
import { pointInPolygon } from '../../src/agent/rules/geometry.ts';
import type { Zone } from '../../src/agent/rules/index.ts';
import { FRAME_H, FRAME_W, RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

/** Does one frame with this box fire a rule watching these zones? */
function fires(zones: Zone[], box: BoxXYXY): boolean {
  const h = new RuleHarness([makeRule({ framesToFire: 1, zones })]);
  h.advance(100);
  return h.frame([detection(box)]).events.some((e) => e.kind === 'fired');
}

/** A box whose bottom-centre lands on (x, y) in normalised coordinates. */
function boxWithFootAt(x: number, y: number): BoxXYXY {
  const cx = x * FRAME_W;
  const bottom = y * FRAME_H;
  return [cx - 20, Math.max(0, bottom - 100), cx + 20, bottom];
}

const upperHalf: Zone = [[0, 0], [1, 0], [1, 0.5], [0, 0.5]];
const lowerHalf: Zone = [[0, 0.5], [1, 0.5], [1, 1], [0, 1]];

test('the feet decide: a box mostly inside a zone does not count when its bottom-centre is outside', () => {
  // Top at y=0.21 (inside the upper half), bottom at 0.83 (outside).
  assert.equal(fires([upperHalf], [100, 100, 200, 400]), false);
  assert.equal(fires([lowerHalf], [100, 100, 200, 400]), true);
});

test('a bottom-centre exactly on a zone edge or vertex counts as inside', () => {
  assert.equal(fires([lowerHalf], boxWithFootAt(0.3, 0.5)), true, 'on the top edge');
  assert.equal(fires([lowerHalf], boxWithFootAt(0, 0.5)), true, 'on a vertex');
  assert.equal(fires([upperHalf], boxWithFootAt(0.3, 0.5)), true, 'the shared edge belongs to both zones');
  const triangle: Zone = [[0, 0], [1, 1], [0, 1]];
  assert.equal(fires([triangle], boxWithFootAt(0.5, 0.5)), true, 'on the slanted edge');
  assert.equal(fires([triangle], boxWithFootAt(0.6, 0.5)), false, 'just across the slanted edge');
  assert.equal(fires([lowerHalf], [300, 200, 340, FRAME_H]), true, 'on the frame bottom, the zone border');
});

test('a concave (U-shaped) zone excludes its notch', () => {
  const u: Zone = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.7], [0.6, 0.7], [0.6, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]];
  assert.equal(fires([u], boxWithFootAt(0.5, 0.4)), false, 'in the notch');
  assert.equal(fires([u], boxWithFootAt(0.2, 0.4)), true, 'in the left arm');
  assert.equal(fires([u], boxWithFootAt(0.8, 0.4)), true, 'in the right arm');
  assert.equal(fires([u], boxWithFootAt(0.5, 0.8)), true, 'in the base below the notch');
  assert.equal(fires([u], boxWithFootAt(0.5, 0.7)), true, 'on the bottom edge of the notch');
  assert.equal(fires([u], boxWithFootAt(0.95, 0.5)), false, 'outside to the right');
});

test('several zones: inside any one of them counts', () => {
  const left: Zone = [[0, 0], [0.3, 0], [0.3, 1], [0, 1]];
  const right: Zone = [[0.7, 0], [1, 0], [1, 1], [0.7, 1]];
  assert.equal(fires([left, right], boxWithFootAt(0.1, 0.9)), true);
  assert.equal(fires([left, right], boxWithFootAt(0.9, 0.9)), true);
  assert.equal(fires([left, right], boxWithFootAt(0.5, 0.9)), false);
});

test('no zones means the whole frame', () => {
  const h = new RuleHarness([makeRule({ framesToFire: 1 })]);
  h.advance(100);
  assert.equal(h.frame([detection(boxWithFootAt(0.99, 0.02))]).events[0]?.kind, 'fired');
});

test('point-in-polygon agrees with a rasterised reference on a random concave polygon', () => {
  // A star: alternating radii make it concave at every inner vertex.
  const star: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 0.45 : 0.18;
    const a = (Math.PI * 2 * i) / 10;
    star.push([0.5 + r * Math.cos(a), 0.5 + r * Math.sin(a)]);
  }
  // Reference: a point is inside iff the winding angle sum is 2*pi (points near edges are skipped).
  const winding = (px: number, py: number): boolean => {
    let sum = 0;
    for (let i = 0; i < star.length; i++) {
      const [ax, ay] = star[i]!;
      const [bx, by] = star[(i + 1) % star.length]!;
      sum += Math.atan2((ax - px) * (by - py) - (ay - py) * (bx - px), (ax - px) * (bx - px) + (ay - py) * (by - py));
    }
    return Math.abs(sum) > Math.PI;
  };
  let inside = 0;
  for (let gx = 0; gx <= 100; gx++) {
    for (let gy = 0; gy <= 100; gy++) {
      const p: [number, number] = [gx / 100 + 0.0013, gy / 100 + 0.0007];
      const expected = winding(p[0], p[1]);
      assert.equal(pointInPolygon(p, star), expected, `at ${p.join(',')}`);
      if (expected) inside++;
    }
  }
  assert.ok(inside > 1000 && inside < 5000, `plausible inside count ${inside}`);
});
