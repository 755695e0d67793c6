/**
 * A car: lower body, cabin with windows, two visible wheels. Side views vary by body style (sedan, hatch,
 * SUV, van); the three-quarter view adds the front face beside a shortened side.
 */
import { mix, shade } from '../color.ts';
import type { Painter } from '../painter.ts';
import type { CarLook, CarStyle, PlacedObject } from './looks.ts';

interface Profile {
  /** Length over height for the side view. */
  readonly length: number;
  /** Top of the lower body (fraction of height). */
  readonly belt: number;
  /** Cabin base and roof corners along the length, -0.5 = rear, +0.5 = front. */
  readonly cabin: readonly [number, number, number, number];
  readonly wheel: number;
}

const PROFILES: Record<CarStyle, Profile> = {
  sedan: { length: 2.9, belt: 0.52, cabin: [-0.34, -0.2, 0.1, 0.28], wheel: 0.2 },
  hatch: { length: 2.45, belt: 0.53, cabin: [-0.47, -0.41, 0.08, 0.27], wheel: 0.2 },
  suv: { length: 2.45, belt: 0.56, cabin: [-0.47, -0.44, 0.16, 0.3], wheel: 0.22 },
  van: { length: 2.3, belt: 0.5, cabin: [-0.49, -0.47, 0.28, 0.42], wheel: 0.19 },
};

/** Width over height of a car's silhouette. */
export function carAspect(look: CarLook): number {
  const len = PROFILES[look.style].length;
  return look.view === 'side' ? len : len * 0.72 + 0.62;
}

export function drawCar(p: Painter, o: PlacedObject, look: CarLook, id: number): void {
  const prof = PROFILES[look.style];
  const { y, h, facing: f } = o;
  const total = carAspect(look) * h;
  const front = look.view === 'side' ? 0 : 0.62 * h;
  const side = total - front;
  // The side runs from rearX to frontX; a three-quarter view's front face extends beyond frontX.
  const rearX = o.x - f * (total / 2);
  const frontX = rearX + f * side;
  const at = (u: number): number => rearX + f * (u + 0.5) * side;
  const v = (t: number): number => y - t * h;
  const wr = prof.wheel * h;

  p.setId(id).gradient(look.paint, shade(look.paint, 0.7), v(prof.belt), v(0.1));
  p.polygon([at(-0.5), v(0.14), at(-0.5), v(prof.belt), at(0.42), v(prof.belt - 0.02), at(0.5), v(prof.belt - 0.16), at(0.5), v(0.14), at(0.46), v(0.08), at(-0.46), v(0.08)]);
  const [c0, c1, c2, c3] = prof.cabin;
  p.gradient(look.roof, shade(look.roof, 0.85), v(1), v(prof.belt));
  p.polygon([at(c0), v(prof.belt - 0.01), at(c1), v(1), at(c2), v(1), at(c3), v(prof.belt - 0.01)]);

  if (front > 0) {
    // Front face, seen at an angle: a slightly darker panel with grille, lamps and the windscreen above.
    const fx = frontX + f * front;
    p.setId(id).gradient(shade(look.paint, 0.88), shade(look.paint, 0.62), v(prof.belt), v(0.1));
    p.polygon([frontX, v(prof.belt), fx, v(prof.belt - 0.04), fx, v(0.12), frontX, v(0.08)]);
    p.solid(shade(look.roof, 0.9));
    p.polygon([at(c3), v(prof.belt - 0.01), at(c2), v(1), frontX + f * front * 0.78, v(0.98), fx, v(prof.belt - 0.05)]);
    p.setId(id, true).solid(mix(look.glass, 0xffffff, 0.12));
    p.polygon([at(c3) + f * 0.06 * h, v(prof.belt + 0.03), at(c2) + f * 0.05 * h, v(0.94), frontX + f * front * 0.72, v(0.93), fx - f * 0.06 * h, v(prof.belt - 0.01)]);
    p.solid(0x151515);
    p.rect(Math.min(frontX, fx) + 0.2 * front, v(0.36), Math.max(frontX, fx) - 0.2 * front, v(0.22));
    p.solid(0xf2f0d8);
    p.ellipse(frontX + f * front * 0.14, v(0.38), 0.06 * h, 0.04 * h);
    p.ellipse(fx - f * front * 0.14, v(0.38), 0.06 * h, 0.04 * h);
  }

  // Side windows, the pillar between them, lamps and an optional stripe: details inside the silhouette.
  p.setId(id, true).solid(look.glass);
  const inset = 0.06 * h;
  p.polygon([at(c0) + f * inset * 1.3, v(prof.belt + 0.03), at(c1) + f * inset * 0.7, v(0.93), at(c2) - f * inset * 0.7, v(0.93), at(c3) - f * inset * 1.3, v(prof.belt + 0.03)]);
  p.solid(look.roof);
  const pillar = at((c1 + c2) / 2 - 0.02);
  p.rect(Math.min(pillar, pillar + f * 0.05 * h), v(0.95), Math.max(pillar, pillar + f * 0.05 * h), v(prof.belt));
  if (look.stripe !== null) {
    p.solid(look.stripe);
    p.rect(Math.min(at(-0.5), at(0.5)), v(0.34), Math.max(at(-0.5), at(0.5)), v(0.28));
  }
  p.solid(0xc01818);
  p.rect(Math.min(at(-0.5), at(-0.47)), v(prof.belt - 0.04), Math.max(at(-0.5), at(-0.47)), v(prof.belt - 0.14));
  if (front === 0) {
    p.solid(0xf2f0d8);
    p.rect(Math.min(at(0.5), at(0.47)), v(prof.belt - 0.14), Math.max(at(0.5), at(0.47)), v(prof.belt - 0.22));
  }
  p.solid(shade(look.paint, 0.55));
  p.rect(Math.min(at(-0.05), at(-0.02)), v(prof.belt - 0.08), Math.max(at(-0.05), at(-0.02)), v(0.16));

  // Wheels stick out below the body: they are part of the silhouette.
  p.setId(id).solid(look.tyre);
  for (const u of [-0.31, 0.31]) p.ellipse(at(u), y - wr, wr * (front > 0 && u > 0 ? 0.88 : 1), wr);
  p.setId(id, true).solid(look.rim);
  for (const u of [-0.31, 0.31]) p.ellipse(at(u), y - wr, wr * 0.55 * (front > 0 && u > 0 ? 0.88 : 1), wr * 0.55);
}
