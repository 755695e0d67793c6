/**
 * A car park: a concrete wall or building at the back, asphalt with bay lines that converge on the vanishing
 * point, kerb stops, bollards, pillars and signs.
 */
import { jitter, mix, shade } from '../color.ts';
import type { Appearance } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { drawSky, groundScale, randomOccluders, scatterDistractors, type Frame2D } from './common.ts';
import type { SceneLayout } from './layout.ts';
import { drawBuildings } from './street.ts';

export function drawParking(p: Painter, rng: Rng, f: Frame2D, appearance: Appearance): SceneLayout {
  const { width: W, height: H } = f;
  const horizon = rng.range(0.3, 0.46) * H;
  const scale = groundScale(rng, f, horizon);
  const vx = rng.range(0.2, 0.8) * W;
  const covered = rng.chance(0.4);
  if (covered) {
    // Inside a parking garage: a low ceiling and a concrete back wall.
    const wall = jitter(rng, appearance === 'shifted' ? 0x8fa0b0 : 0x9c9a94, 10);
    p.setId(0).gradient(shade(wall, 0.7), wall, 0, horizon).texture(10, rng.int(0, 255), rng.int(0, 255));
    p.rect(0, 0, W, horizon);
    p.solid(jitter(rng, 0xe8e4d0, 6));
    for (let x = rng.range(0, 0.3) * W; x < W; x += rng.range(0.25, 0.4) * W) p.rect(x, horizon * 0.1, x + 0.12 * W, horizon * 0.16);
  } else {
    drawSky(p, rng, f, horizon);
    drawBuildings(p, rng, f, horizon, horizon * 0.5, appearance);
  }
  const asphalt = jitter(rng, appearance === 'shifted' ? rng.pick([0x3c4a5a, 0x7a6a5a]) : rng.pick([0x5a5c5e, 0x6a6a66, 0x4a4d50]), 8);
  p.setId(0).gradient(mix(asphalt, 0xb0b0b0, 0.2), asphalt, horizon, H).texture(14, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, horizon, W, H);

  // Bay lines fan out from the vanishing point; a cross line closes the bays.
  const line = appearance === 'shifted' ? jitter(rng, 0xf0c020, 8) : jitter(rng, 0xe8e8e8, 6);
  p.solid(line);
  const bays = rng.int(5, 10);
  const spread = rng.range(1.2, 2.2) * W;
  for (let i = 0; i <= bays; i++) {
    const bx = vx - spread / 2 + (spread * i) / bays;
    const t0 = rng.range(0.1, 0.3);
    const x0 = vx + (bx - vx) * t0;
    const y0 = horizon + (H - horizon) * t0;
    const w = 0.008 * W;
    p.polygon([x0 - w * t0, y0, x0 + w * t0, y0, bx + w, H, bx - w, H]);
  }
  const crossT = rng.range(0.15, 0.35);
  const cy = horizon + (H - horizon) * crossT;
  p.rect(0, cy, W, cy + Math.max(1, 0.012 * H * crossT * 3));
  if (covered) {
    p.solid(jitter(rng, 0xa8a49c, 8)).texture(10, rng.int(0, 255), rng.int(0, 255));
    const pillars = rng.int(1, 3);
    for (let i = 0; i < pillars; i++) {
      const px = rng.range(0, W);
      p.rect(px - 0.025 * W, 0, px + 0.025 * W, horizon + rng.range(0.02, 0.08) * H);
    }
  }
  scatterDistractors(p, rng, f, horizon, scale, horizon + 4, rng.int(1, 5), ['bollard', 'sign', 'cone', 'bin'], appearance);
  return { family: 'parking', horizon, groundTop: horizon + 0.03 * H, scale, occluders: randomOccluders(rng, f, 0.15), classWeights: [1, 1.4, 0.7] };
}
