/**
 * A dog from the side: body, head with snout and ears, four legs, tail. Running dogs swing their legs by gait
 * phase; the far legs are drawn first and darker.
 */
import { shade } from '../color.ts';
import type { Painter } from '../painter.ts';
import { Rng } from '../prng.ts';
import type { DogLook, PlacedObject } from './looks.ts';

export function dogAspect(look: DogLook): number {
  return look.length + 0.1;
}

export function drawDog(p: Painter, o: PlacedObject, look: DogLook, id: number): void {
  const { x, y, h, facing: f } = o;
  const len = look.length * h;
  const bodyBottom = y - look.legs * h;
  const bodyRy = 0.15 * h;
  const bodyCy = bodyBottom - bodyRy;
  const bodyRx = len * 0.36;
  const bodyCx = x - f * len * 0.06;
  const headR = 0.14 * h;
  const earUp = look.ears === 'up';
  const headCy = y - h + headR + (earUp ? 0.13 * h : 0.02 * h);
  const headCx = x + f * (len / 2 - headR * 1.6);
  const swing = o.moving ? Math.sin(o.phase) : 0;

  const legPair = (baseX: number, s: number, dark: number): void => {
    const a = s * 0.5;
    const top = bodyCy + bodyRy * 0.2;
    const footX = baseX + f * Math.sin(a) * (y - top);
    p.solid(shade(look.fur, dark));
    p.capsule(baseX, top, 0.068 * h, footX, y - 0.03 * h, 0.04 * h);
    p.ellipse(footX + f * 0.02 * h, y - 0.026 * h, 0.05 * h, 0.026 * h);
  };
  const frontX = bodyCx + f * bodyRx * 0.68;
  const rearX = bodyCx - f * bodyRx * 0.68;

  p.setId(id);
  legPair(frontX, -swing, 0.75);
  legPair(rearX, swing, 0.75);

  p.setId(id).solid(look.fur);
  const tailBaseX = bodyCx - f * bodyRx * 0.92;
  const tailBaseY = bodyCy - bodyRy * 0.5;
  const tailUp = look.tail === 'up';
  p.capsule(tailBaseX, tailBaseY, 0.04 * h, tailBaseX - f * 0.2 * h, tailBaseY + (tailUp ? -0.2 : 0.18) * h, 0.022 * h);
  if (look.pattern === 'brindle') p.stripes(look.fur, look.furAccent, Math.round(bodyCx), Math.max(2, 0.045 * h), true);
  else p.gradient(look.fur, shade(look.fur, 0.85), bodyCy - bodyRy, bodyCy + bodyRy);
  p.ellipse(bodyCx, bodyCy, bodyRx, bodyRy);
  p.solid(look.fur);
  // Neck from the shoulders up to the head.
  p.capsule(bodyCx + f * bodyRx * 0.7, bodyCy - bodyRy * 0.2, 0.1 * h, headCx, headCy + headR * 0.3, 0.085 * h);
  p.ellipse(headCx, headCy, headR * 1.05, headR);
  p.ellipse(headCx + f * headR * 1.05, headCy + headR * 0.35, headR * 0.72, headR * 0.48);
  p.solid(shade(look.fur, look.pattern === 'spots' ? 0.9 : 0.7));
  if (earUp) {
    p.polygon([headCx - f * headR * 0.55, headCy - headR * 0.5, headCx - f * headR * 0.25, y - h, headCx + f * headR * 0.12, headCy - headR * 0.75]);
  } else {
    p.rotatedEllipse(headCx - f * headR * 0.55, headCy + headR * 0.25, headR * 0.3, headR * 0.7, f * 0.35);
  }

  p.setId(id);
  legPair(frontX + f * 0.03 * h, swing, 1);
  legPair(rearX + f * 0.03 * h, -swing, 1);

  // Coat patterns, nose and eye only recolour the dog's own pixels.
  p.setId(id, true).solid(look.furAccent);
  if (look.pattern === 'belly') p.ellipse(bodyCx, bodyCy + bodyRy * 0.75, bodyRx * 0.8, bodyRy * 0.45);
  else if (look.pattern === 'saddle') p.ellipse(bodyCx - f * bodyRx * 0.1, bodyCy - bodyRy * 0.7, bodyRx * 0.75, bodyRy * 0.55);
  else if (look.pattern === 'spots') {
    const rng = new Rng(look.spotSeed);
    const n = 6 + rng.int(0, 6);
    for (let i = 0; i < n; i++) {
      const sr = rng.range(0.035, 0.07) * h;
      p.ellipse(bodyCx + rng.range(-0.9, 0.9) * bodyRx, bodyCy + rng.range(-0.8, 0.8) * bodyRy, sr * 1.2, sr);
    }
    p.ellipse(headCx + rng.range(-0.4, 0.4) * headR, headCy - headR * 0.3, headR * 0.35, headR * 0.3);
  }
  p.solid(0x141414);
  p.ellipse(headCx + f * headR * 1.7, headCy + headR * 0.2, Math.max(0.7, headR * 0.16), Math.max(0.7, headR * 0.14));
  p.ellipse(headCx + f * headR * 0.35, headCy - headR * 0.2, Math.max(0.6, headR * 0.12), Math.max(0.6, headR * 0.12));
}
