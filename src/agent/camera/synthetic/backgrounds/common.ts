/**
 * Pieces shared by the background families: sky, perspective scale, distractors (shapes that are not objects:
 * cones, bins, signs, balls, boxes, planters, bollards) and foreground occluders (poles, bushes).
 */
import { hsv, jitter, mix, shade, type Rgb } from '../color.ts';
import type { Appearance } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { drawShapes, type Shape } from './shapes.ts';

export interface Frame2D {
  readonly width: number;
  readonly height: number;
}

export function drawSky(p: Painter, rng: Rng, f: Frame2D, bottom: number): void {
  const top = jitter(rng, rng.pick([0x4f86c6, 0x6c9bd2, 0x8fa9c4, 0x5b7fa8]), 12);
  const low = mix(top, 0xe8eef4, rng.range(0.45, 0.8));
  p.setId(0).gradient(top, low, 0, bottom).texture(3, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, 0, f.width, bottom);
  const clouds = rng.int(0, 4);
  for (let i = 0; i < clouds; i++) {
    const cx = rng.range(0, f.width);
    const cy = rng.range(0.05, 0.7) * bottom;
    const rx = rng.range(0.04, 0.12) * f.width;
    p.solid(jitter(rng, 0xf2f4f6, 8)).texture(6, rng.int(0, 255), rng.int(0, 255));
    for (let k = 0; k < 3; k++) p.ellipse(cx + rng.range(-1, 1) * rx * 0.6, cy + rng.range(-0.3, 0.3) * rx * 0.3, rx * rng.range(0.5, 0.9), rx * rng.range(0.18, 0.3));
  }
}

/** Scale such that a person whose feet touch the bottom row is about `frac` of the frame tall. */
export function groundScale(rng: Rng, f: Frame2D, horizon: number, frac = 0.6): number {
  return (frac * rng.range(0.88, 1.05) * f.height) / (f.height - horizon);
}

/** Pixel height of something `rel` times a person's height standing on row y. */
export function sizeAt(y: number, horizon: number, scale: number, rel: number): number {
  return Math.max(0, (y - horizon) * scale * rel);
}

function cone(x: number, y: number, s: number, c: Rgb): Shape[] {
  return [
    { kind: 'polygon', pts: [x - s * 0.18, y, x - s * 0.05, y - s, x + s * 0.05, y - s, x + s * 0.18, y], colour: c, bottom: shade(c, 0.8) },
    { kind: 'rect', pts: [x - s * 0.12, y - s * 0.55, x + s * 0.12, y - s * 0.42], colour: 0xf0f0f0 },
    { kind: 'rect', pts: [x - s * 0.26, y - s * 0.06, x + s * 0.26, y], colour: shade(c, 0.6) },
  ];
}

function bin(x: number, y: number, s: number, c: Rgb): Shape[] {
  return [
    { kind: 'rect', pts: [x - s * 0.3, y - s * 0.95, x + s * 0.3, y], colour: c, bottom: shade(c, 0.7), tex: 6 },
    { kind: 'rect', pts: [x - s * 0.36, y - s, x + s * 0.36, y - s * 0.88], colour: shade(c, 0.75) },
  ];
}

function sign(x: number, y: number, s: number, c: Rgb, round: boolean): Shape[] {
  const head: Shape = round
    ? { kind: 'ellipse', pts: [x, y - s * 0.88, s * 0.16, s * 0.16], colour: c }
    : { kind: 'rect', pts: [x - s * 0.16, y - s * 1.05, x + s * 0.16, y - s * 0.72], colour: c };
  return [{ kind: 'rect', pts: [x - s * 0.018, y - s * 0.8, x + s * 0.018, y], colour: 0x8a8d90 }, head];
}

function ball(x: number, y: number, s: number, c: Rgb): Shape[] {
  return [{ kind: 'ellipse', pts: [x, y - s * 0.5, s * 0.5, s * 0.5], colour: c, bottom: shade(c, 0.6) }];
}

function box(x: number, y: number, s: number, c: Rgb): Shape[] {
  return [
    { kind: 'rect', pts: [x - s * 0.6, y - s * 0.8, x + s * 0.6, y], colour: c, bottom: shade(c, 0.8), tex: 8 },
    { kind: 'polygon', pts: [x - s * 0.6, y - s * 0.8, x - s * 0.35, y - s, x + s * 0.85, y - s, x + s * 0.6, y - s * 0.8], colour: shade(c, 1.15) },
  ];
}

function planter(x: number, y: number, s: number, leaf: Rgb): Shape[] {
  return [
    { kind: 'polygon', pts: [x - s * 0.3, y - s * 0.45, x + s * 0.3, y - s * 0.45, x + s * 0.22, y, x - s * 0.22, y], colour: 0xa0522d, bottom: 0x6a3a1e },
    { kind: 'ellipse', pts: [x, y - s * 0.7, s * 0.42, s * 0.32], colour: leaf, tex: 25 },
    { kind: 'ellipse', pts: [x - s * 0.18, y - s * 0.9, s * 0.22, s * 0.2], colour: shade(leaf, 1.15), tex: 25 },
  ];
}

function bollard(x: number, y: number, s: number, c: Rgb): Shape[] {
  return [
    { kind: 'rect', pts: [x - s * 0.08, y - s * 0.5, x + s * 0.08, y], colour: c, bottom: shade(c, 0.7) },
    { kind: 'ellipse', pts: [x, y - s * 0.5, s * 0.08, s * 0.04], colour: shade(c, 1.2) },
  ];
}

export type DistractorKind = 'cone' | 'bin' | 'sign' | 'ball' | 'box' | 'planter' | 'bollard';

/** A distractor standing on row y, sized for that depth (`size` = a person's height there). */
export function distractor(rng: Rng, kind: DistractorKind, x: number, y: number, size: number, appearance: Appearance): Shape[] {
  const bold = appearance === 'shifted';
  switch (kind) {
    case 'cone':
      return cone(x, y, size * rng.range(0.25, 0.4), jitter(rng, bold ? 0xd4f01c : 0xff6a10, 10));
    case 'bin':
      return bin(x, y, size * rng.range(0.4, 0.6), jitter(rng, rng.pick([0x2f5f3a, 0x3a3f46, 0x1f4f8f, 0x7a5a2a]), 10));
    case 'sign':
      return sign(x, y, size * rng.range(1.1, 1.5), jitter(rng, rng.pick([0xd02020, 0x1f5fbf, 0xf0c020]), 10), rng.chance(0.5));
    case 'ball':
      return ball(x, y, size * rng.range(0.1, 0.18), hsv(rng.range(0, 360), 0.8, 0.9));
    case 'box':
      return box(x, y, size * rng.range(0.25, 0.45), jitter(rng, bold ? 0x5a6a8a : 0xb08a5a, 12));
    case 'planter':
      return planter(x, y, size * rng.range(0.35, 0.6), jitter(rng, 0x3f7a35, 12));
    case 'bollard':
      return bollard(x, y, size * rng.range(0.5, 0.7), jitter(rng, rng.pick([0xe0c020, 0x404448, 0xb02020]), 10));
  }
}

/** Scatters n distractors on the ground between rows `top` and the bottom, drawing them far to near. */
export function scatterDistractors(
  p: Painter, rng: Rng, f: Frame2D, horizon: number, scale: number, top: number, n: number,
  kinds: readonly DistractorKind[], appearance: Appearance,
): void {
  const placed: { y: number; shapes: Shape[] }[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.range(top, f.height * 1.02);
    const size = sizeAt(y, horizon, scale, 1);
    if (size < 6) continue;
    placed.push({ y, shapes: distractor(rng, rng.pick(kinds), rng.range(0, f.width), y, size, appearance) });
  }
  placed.sort((a, b) => a.y - b.y);
  p.setId(0);
  for (const d of placed) drawShapes(p, d.shapes);
}

/** A pole or post close to the camera, crossing the frame from the bottom up past the top. */
export function poleOccluder(rng: Rng, f: Frame2D): Shape[] {
  const w = rng.range(0.018, 0.05) * f.width;
  const x = rng.range(0.05, 0.95) * f.width;
  const c = jitter(rng, rng.pick([0x6c7075, 0x3a3d40, 0x8a6a48, 0xb0b4b8]), 10);
  return [
    { kind: 'rect', pts: [x - w / 2, -2, x + w / 2, f.height + 2], colour: c, tex: 10 },
    { kind: 'rect', pts: [x - w / 2, -2, x - w / 6, f.height + 2], colour: shade(c, 1.18) },
  ];
}

/** A bush at the bottom edge, in front of everything. */
export function bushOccluder(rng: Rng, f: Frame2D): Shape[] {
  const cx = rng.range(0, f.width);
  const size = rng.range(0.08, 0.18) * f.height;
  const leaf = jitter(rng, rng.pick([0x2f5a2a, 0x3f6f30, 0x4a7a3a, 0x2a4a28]), 10);
  const shapes: Shape[] = [];
  const blobs = rng.int(3, 6);
  for (let i = 0; i < blobs; i++) {
    const rx = size * rng.range(0.5, 0.9);
    shapes.push({
      kind: 'ellipse',
      pts: [cx + rng.range(-1.2, 1.2) * size, f.height - rng.range(0.1, 0.7) * size, rx, rx * rng.range(0.7, 1)],
      colour: shade(leaf, rng.range(0.85, 1.15)),
      tex: 30,
    });
  }
  return shapes;
}

export function randomOccluders(rng: Rng, f: Frame2D, bushOdds: number): Shape[] {
  const r = rng.float();
  const count = r < 0.55 ? 0 : r < 0.9 ? 1 : 2;
  const out: Shape[] = [];
  for (let i = 0; i < count; i++) out.push(...(rng.chance(bushOdds) ? bushOccluder(rng, f) : poleOccluder(rng, f)));
  return out;
}
