/**
 * A person: head, torso, arms, legs. Standing people face the camera; walking people are drawn from the side
 * with legs and arms swinging by gait phase. Far limbs are drawn first and darker.
 */
import { shade } from '../color.ts';
import type { Painter } from '../painter.ts';
import type { PersonLook, PlacedObject } from './looks.ts';

/** Half the widest horizontal extent, as a fraction of height (for placement and scratch windows). */
export const PERSON_HALF_WIDTH = 0.26;

function drawFront(p: Painter, o: PlacedObject, look: PersonLook, id: number): void {
  const { x, y, h } = o;
  const bw = look.build;
  const shoulderY = y - 0.815 * h;
  const hipY = y - 0.47 * h;
  const stance = 0.05 * h;
  // Legs, then torso over the hips, then arms at the sides.
  p.setId(id).solid(look.trousers);
  for (const side of [-1, 1]) {
    p.capsule(x + side * 0.052 * h * bw, hipY, 0.05 * h * bw, x + side * (0.03 * h + stance), y - 0.035 * h, 0.034 * h);
  }
  p.solid(look.shoes);
  for (const side of [-1, 1]) p.ellipse(x + side * (0.035 * h + stance), y - 0.02 * h, 0.045 * h, 0.022 * h);
  if (look.skirt) {
    p.solid(look.shirtAccent === 0 ? shade(look.trousers, 1.2) : look.shirtAccent);
    p.polygon([x - 0.09 * h * bw, hipY - 0.03 * h, x + 0.09 * h * bw, hipY - 0.03 * h, x + 0.14 * h * bw, y - 0.28 * h, x - 0.14 * h * bw, y - 0.28 * h]);
  }
  torso(p, look, x, shoulderY, hipY, 0.118 * h * bw, 0.1 * h * bw, h, id);
  p.setId(id).solid(look.shirt);
  for (const side of [-1, 1]) {
    const sx = x + side * 0.118 * h * bw;
    p.capsule(sx, shoulderY + 0.03 * h, 0.038 * h * bw, sx + side * 0.03 * h, y - 0.5 * h, 0.03 * h);
  }
  p.solid(look.skin);
  for (const side of [-1, 1]) p.ellipse(x + side * (0.118 * h * bw + 0.03 * h), y - 0.485 * h, 0.028 * h, 0.034 * h);
  head(p, look, x, y - h, h, 0, id);
}

function drawSide(p: Painter, o: PlacedObject, look: PersonLook, id: number): void {
  const { x, y, h, facing: f } = o;
  const bw = look.build;
  const swing = o.moving ? Math.sin(o.phase) : 0;
  const shoulderY = y - 0.815 * h;
  const hipY = y - 0.47 * h;
  const hipX = x;
  const thigh = 0.25 * h;
  const shin = 0.235 * h;
  const leg = (s: number, dark: number): void => {
    const a = s * 0.42;
    const kneeX = hipX + f * Math.sin(a) * thigh;
    const kneeY = hipY + Math.cos(a) * thigh;
    // The knee bends when the leg trails behind the body.
    const bend = s < 0 ? -s * 0.55 : 0;
    const b = a - bend;
    const ankleX = kneeX + f * Math.sin(b) * shin;
    const ankleY = Math.min(y - 0.03 * h, kneeY + Math.cos(b) * shin);
    p.solid(shade(look.trousers, dark));
    p.capsule(hipX, hipY, 0.052 * h * bw, kneeX, kneeY, 0.042 * h);
    p.capsule(kneeX, kneeY, 0.042 * h, ankleX, ankleY, 0.032 * h);
    p.solid(shade(look.shoes, dark));
    p.capsule(ankleX - f * 0.01 * h, ankleY + 0.005 * h, 0.022 * h, ankleX + f * 0.05 * h, ankleY + 0.01 * h, 0.018 * h);
  };
  const arm = (s: number, dark: number): void => {
    const a = -s * 0.38;
    const ex = x + f * Math.sin(a) * 0.16 * h;
    const ey = shoulderY + 0.03 * h + Math.cos(a) * 0.16 * h;
    const hx = ex + f * Math.sin(a + 0.25) * 0.15 * h;
    const hy = ey + Math.cos(a + 0.25) * 0.15 * h;
    p.solid(shade(look.shirt, dark));
    p.capsule(x, shoulderY + 0.035 * h, 0.038 * h * bw, ex, ey, 0.032 * h);
    p.capsule(ex, ey, 0.031 * h, hx, hy, 0.027 * h);
    p.solid(shade(look.skin, dark));
    p.ellipse(hx, hy + 0.01 * h, 0.026 * h, 0.03 * h);
  };
  p.setId(id);
  leg(-swing, 0.78);
  arm(-swing, 0.78);
  if (look.bag !== null) {
    p.solid(look.bag);
    p.rect(x - f * 0.14 * h * bw - 0.045 * h, shoulderY + 0.02 * h, x - f * 0.06 * h * bw + 0.045 * h, shoulderY + 0.2 * h);
  }
  leg(swing, 1);
  if (look.skirt) {
    p.solid(look.shirtAccent === 0 ? shade(look.trousers, 1.2) : look.shirtAccent);
    p.polygon([x - 0.07 * h * bw, hipY - 0.03 * h, x + 0.07 * h * bw, hipY - 0.03 * h, x + 0.11 * h * bw, y - 0.28 * h, x - 0.11 * h * bw, y - 0.28 * h]);
  }
  torso(p, look, x, shoulderY, hipY, 0.075 * h * bw, 0.072 * h * bw, h, id);
  p.setId(id);
  arm(swing, 1);
  head(p, look, x + f * 0.008 * h, y - h, h, f, id);
}

function torso(p: Painter, look: PersonLook, x: number, top: number, bottom: number, sw: number, hw: number, h: number, id: number): void {
  const pts = [x - sw, top, x + sw, top, x + hw, bottom, x - hw, bottom];
  if (look.shirtStyle === 'stripes') p.setId(id).stripes(look.shirt, look.shirtAccent, top, Math.max(2, 0.028 * h), false);
  else p.setId(id).gradient(look.shirt, shade(look.shirt, 0.82), top, bottom);
  p.polygon(pts);
  p.capsule(x - sw * 0.7, top + 0.02 * h, 0.035 * h, x + sw * 0.7, top + 0.02 * h, 0.035 * h);
  if (look.shirtStyle === 'hivis') {
    // Two reflective bands across the vest, painted inside the torso only.
    p.setId(id, true).solid(look.shirtAccent);
    for (const t of [0.45, 0.75]) {
      const by = top + (bottom - top) * t;
      p.rect(x - sw * 1.2, by, x + sw * 1.2, by + Math.max(1.5, 0.025 * h));
    }
  }
}

function head(p: Painter, look: PersonLook, x: number, top: number, h: number, f: number, id: number): void {
  const ry = 0.066 * h;
  const rx = 0.054 * h;
  const cy = top + ry;
  p.setId(id).solid(look.skin);
  p.capsule(x, cy + ry * 0.8, 0.025 * h, x, cy + ry * 1.4, 0.03 * h);
  p.ellipse(x, cy, rx, ry);
  p.setId(id, true).solid(look.hair);
  p.ellipse(x - f * rx * 0.25, cy - ry * 0.45, rx * 1.1, ry * 0.75);
  if (look.hat !== null) {
    p.setId(id).solid(look.hat);
    p.ellipse(x, cy - ry * 0.55, rx * 1.05, ry * 0.5);
    p.rect(x - rx * 1.35 + (f > 0 ? rx * 0.5 : 0), cy - ry * 0.25, x + rx * 1.35 - (f < 0 ? rx * 0.5 : 0), cy - ry * 0.05);
  }
}

export function drawPerson(p: Painter, o: PlacedObject, look: PersonLook, id: number): void {
  if (o.moving) drawSide(p, o, look, id);
  else drawFront(p, o, look, id);
}
