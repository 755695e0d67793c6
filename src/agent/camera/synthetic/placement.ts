/**
 * Puts objects on the ground plane: a size drawn log-uniformly between about 5% and 60% of the frame height
 * (per class), the feet row that perspective gives that size, a position mostly inside the frame, a facing,
 * a gait. Candidates that would mostly cover an earlier object are redrawn.
 */
import type { Appearance } from './domain.ts';
import { CLASS_CAR, CLASS_PERSON, type SynthClassId } from './labels.ts';
import { aspectOf, randomLook } from './objects/draw-object.ts';
import type { ObjectLook, PlacedObject } from './objects/looks.ts';
import type { Rng } from './prng.ts';
import type { Frame2D } from './backgrounds/common.ts';
import { CLASS_HEIGHT, type SceneLayout } from './backgrounds/layout.ts';

/** Pixel size limits for an object of a class in a frame. */
export function sizeRange(layout: SceneLayout, f: Frame2D, look: ObjectLook, classId: SynthClassId): [number, number] {
  const rel = CLASS_HEIGHT[classId];
  const aspect = aspectOf(look);
  // People are thin: below ~30 px tall they are under ~8 px wide and would not count as objects.
  const floor = classId === CLASS_PERSON ? Math.max(0.05 * f.height, 30) : Math.max(0.05 * f.height, 14);
  const nearest = layout.scale * rel * (f.height * 1.02 - layout.horizon);
  const farthest = layout.scale * rel * (layout.groundTop - layout.horizon);
  let hi = Math.min(0.6 * f.height, nearest);
  // A car must fit the frame's width.
  if (classId === CLASS_CAR) hi = Math.min(hi, (0.92 * f.width) / aspect);
  const lo = Math.max(floor, farthest);
  return [lo, Math.max(lo, hi)];
}

/** Feet row at which an object of height h stands, by perspective. */
export function feetRow(layout: SceneLayout, classId: SynthClassId, h: number): number {
  return layout.horizon + h / (layout.scale * CLASS_HEIGHT[classId]);
}

export function pickClass(rng: Rng, layout: SceneLayout): SynthClassId {
  return rng.weighted(layout.classWeights) as SynthClassId;
}

export function randomObject(rng: Rng, layout: SceneLayout, f: Frame2D, classId: SynthClassId, appearance: Appearance): PlacedObject {
  const look = randomLook(rng, classId, appearance);
  const [lo, hi] = sizeRange(layout, f, look, classId);
  const h = lo * Math.pow(hi / lo, rng.float());
  const y = feetRow(layout, classId, h) * rng.range(0.98, 1.02);
  const w = aspectOf(look) * h;
  const x = rng.range(-0.05 * w, f.width + 0.05 * w);
  const moving = look.kind === 'person' ? rng.chance(0.6) : look.kind === 'dog' ? rng.chance(0.6) : false;
  return { look, x, y, h, facing: rng.sign(), phase: rng.range(0, 2 * Math.PI), moving };
}

function footprint(o: PlacedObject): [number, number, number, number] {
  const half = (aspectOf(o.look) * o.h) / 2;
  return [o.x - half, o.y - o.h, o.x + half, o.y];
}

/** Fraction of the smaller box covered by the other. */
function coverage(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const ih = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (iw <= 0 || ih <= 0) return 0;
  const area = (r: readonly number[]): number => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return (iw * ih) / Math.min(area(a), area(b));
}

export function placeObjects(rng: Rng, layout: SceneLayout, f: Frame2D, count: number, appearance: Appearance): PlacedObject[] {
  const placed: PlacedObject[] = [];
  for (let n = 0; n < count; n++) {
    const classId = pickClass(rng, layout);
    for (let attempt = 0; attempt < 8; attempt++) {
      const o = randomObject(rng, layout, f, classId, appearance);
      const box = footprint(o);
      if (placed.every((q) => coverage(box, footprint(q)) < 0.55)) {
        placed.push(o);
        break;
      }
    }
  }
  return placed;
}

/** 10% of images are empty; the rest hold 1 to 6 objects, fewer more often. */
export function objectCount(rng: Rng): number {
  if (rng.chance(0.1)) return 0;
  return 1 + rng.weighted([0.22, 0.22, 0.18, 0.15, 0.12, 0.11]);
}
