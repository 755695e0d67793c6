/**
 * A street: sky, a row of buildings with windows, asphalt with dashed lane marks converging on the vanishing
 * point, a pavement behind a kerb, street furniture as distractors.
 */
import { jitter, mix, shade } from '../color.ts';
import type { Appearance } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { drawSky, groundScale, randomOccluders, scatterDistractors, type Frame2D } from './common.ts';
import type { SceneLayout } from './layout.ts';

export function drawBuildings(p: Painter, rng: Rng, f: Frame2D, base: number, maxHeight: number, appearance: Appearance): void {
  const facades = appearance === 'shifted' ? [0x6a8caf, 0xc0a0c8, 0x8fbf9f, 0xd8d0b0] : [0x9a5a44, 0xb8b0a0, 0x7a7a80, 0xc9b28a, 0x8a6a5a];
  let x = -rng.range(0, 40);
  while (x < f.width) {
    const w = rng.range(0.08, 0.24) * f.width;
    const top = base - rng.range(0.25, 1) * maxHeight;
    const c = jitter(rng, rng.pick(facades), 14);
    p.setId(0).gradient(c, shade(c, 0.8), top, base).texture(8, rng.int(0, 255), rng.int(0, 255));
    p.rect(x, top, x + w, base + 1);
    const win = jitter(rng, rng.pick([0x2a3a4a, 0x4a5a6a, 0x8aa0b8]), 10);
    const ww = Math.max(2, w * rng.range(0.07, 0.12));
    const wh = Math.max(2, ww * rng.range(1, 1.6));
    p.solid(win);
    for (let wy = top + wh; wy < base - wh * 1.5; wy += wh * 2) {
      for (let wx = x + ww; wx < x + w - ww * 1.5; wx += ww * 2) p.rect(wx, wy, wx + ww, wy + wh);
    }
    x += w;
  }
}

export function drawStreet(p: Painter, rng: Rng, f: Frame2D, appearance: Appearance): SceneLayout {
  const { width: W, height: H } = f;
  const horizon = rng.range(0.3, 0.46) * H;
  const scale = groundScale(rng, f, horizon);
  const vx = rng.range(0.25, 0.75) * W;
  drawSky(p, rng, f, horizon);
  drawBuildings(p, rng, f, horizon, horizon * 0.75, appearance);

  const asphalt = jitter(rng, appearance === 'shifted' ? rng.pick([0x6a5040, 0x3a4048]) : rng.pick([0x55585c, 0x4a4c50, 0x606266]), 8);
  p.setId(0).gradient(mix(asphalt, 0xa0a4a8, 0.25), asphalt, horizon, H).texture(16, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, horizon, W, H);

  // Pavement on one side, bounded by a kerb line that runs to the vanishing point.
  const left = rng.chance(0.5);
  const kerbX = left ? rng.range(-0.3, 0.3) * W : rng.range(0.7, 1.3) * W;
  const edge = left ? -W : 2 * W;
  const pave = jitter(rng, appearance === 'shifted' ? 0xb07050 : 0xa8a49c, 10);
  p.gradient(mix(pave, 0xd0d0d0, 0.2), pave, horizon, H).texture(12, rng.int(0, 255), rng.int(0, 255));
  p.polygon([vx, horizon, edge, horizon, edge, H, kerbX, H]);
  p.solid(jitter(rng, 0xd8d8d0, 8));
  const kw = 0.012 * W;
  p.polygon([vx, horizon, vx + 1, horizon, kerbX + kw, H, kerbX - kw, H]);

  // Dashed centre line: dashes shrink and crowd towards the horizon.
  const mark = appearance === 'shifted' ? 0xf0c020 : jitter(rng, 0xeeeeee, 6);
  const lineX = left ? rng.range(0.55, 1.1) * W : rng.range(-0.1, 0.45) * W;
  const phase = rng.float();
  p.solid(mark);
  for (let k = 0; k < 14; k++) {
    const t0 = Math.pow((k + phase) / 14, 2);
    const t1 = Math.pow((k + phase + 0.45) / 14, 2);
    const y0 = horizon + (H - horizon) * t0;
    const y1 = horizon + (H - horizon) * t1;
    const x0 = vx + (lineX - vx) * t0;
    const x1 = vx + (lineX - vx) * t1;
    const w0 = 0.01 * W * t0;
    const w1 = 0.01 * W * t1;
    p.polygon([x0 - w0, y0, x0 + w0, y0, x1 + w1, y1, x1 - w1, y1]);
  }

  scatterDistractors(p, rng, f, horizon, scale, horizon + 4, rng.int(1, 5), ['cone', 'bin', 'sign', 'bollard', 'box'], appearance);
  return { family: 'street', horizon, groundTop: horizon + 0.03 * H, scale, occluders: randomOccluders(rng, f, 0.35), classWeights: [1, 1.2, 0.9] };
}
