/**
 * A room: a wall (plain or papered) with pictures and a window or door, a floor of boards, tiles or carpet,
 * furniture blobs (sofa, table, shelves) against the wall, planters and boxes as distractors.
 */
import { hsv, jitter, mix, shade } from '../color.ts';
import type { Appearance } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { groundScale, randomOccluders, scatterDistractors, type Frame2D } from './common.ts';
import type { SceneLayout } from './layout.ts';

function furniture(p: Painter, rng: Rng, W: number, H: number, base: number, appearance: Appearance): void {
  const kind = rng.pick(['sofa', 'table', 'shelf', 'cabinet'] as const);
  const x = rng.range(-0.1, 0.9) * W;
  const w = rng.range(0.15, 0.35) * W;
  const c = jitter(rng, appearance === 'shifted' ? hsv(rng.range(0, 360), 0.6, 0.7) : rng.pick([0x6a4a3a, 0x8a8078, 0x4a5a6a, 0x9a7a5a, 0x5a3a2a]), 12);
  p.setId(0);
  switch (kind) {
    case 'sofa': {
      const h = rng.range(0.1, 0.16) * H;
      p.solid(c).texture(10, rng.int(0, 255), rng.int(0, 255));
      p.rect(x, base - h, x + w, base - h * 0.1);
      p.solid(shade(c, 1.12));
      p.rect(x + w * 0.08, base - h * 0.55, x + w * 0.92, base - h * 0.25);
      p.solid(shade(c, 0.85));
      p.rect(x - w * 0.04, base - h * 0.7, x + w * 0.08, base - h * 0.1);
      p.rect(x + w * 0.92, base - h * 0.7, x + w * 1.04, base - h * 0.1);
      break;
    }
    case 'table': {
      const h = rng.range(0.08, 0.13) * H;
      p.solid(c).texture(6, rng.int(0, 255), rng.int(0, 255));
      p.rect(x, base - h, x + w, base - h * 0.88);
      p.solid(shade(c, 0.8));
      p.rect(x + w * 0.05, base - h * 0.88, x + w * 0.09, base);
      p.rect(x + w * 0.91, base - h * 0.88, x + w * 0.95, base);
      break;
    }
    case 'shelf':
    case 'cabinet': {
      const h = rng.range(0.15, 0.35) * H;
      p.solid(c).texture(8, rng.int(0, 255), rng.int(0, 255));
      p.rect(x, base - h, x + w * 0.6, base);
      p.solid(shade(c, 0.7));
      const rows = kind === 'shelf' ? rng.int(2, 4) : 1;
      for (let r = 1; r <= rows; r++) p.rect(x + 2, base - (h * r) / (rows + 1), x + w * 0.6 - 2, base - (h * r) / (rows + 1) + 2);
      if (kind === 'shelf') {
        for (let b = 0; b < 8; b++) {
          p.solid(hsv(rng.range(0, 360), 0.5, 0.6));
          const bx = x + rng.range(0.05, 0.5) * w;
          const row = rng.int(1, rows);
          const by = base - (h * row) / (rows + 1);
          p.rect(bx, by - h * 0.12, bx + w * 0.025, by);
        }
      }
      break;
    }
  }
}

export function drawIndoor(p: Painter, rng: Rng, f: Frame2D, appearance: Appearance): SceneLayout {
  const { width: W, height: H } = f;
  const base = rng.range(0.35, 0.55) * H;
  const horizon = base - rng.range(0.02, 0.08) * H;
  const scale = groundScale(rng, f, horizon);
  const wall = jitter(rng, appearance === 'shifted' ? rng.pick([0x3a6a7a, 0xa05a6a, 0x5a5a8a]) : rng.pick([0xe0dccf, 0xcfd8dc, 0xe8d8c0, 0xc8c0b0]), 10);
  p.setId(0);
  if (rng.chance(0.35)) p.stripes(wall, shade(wall, 0.9), 0, Math.max(3, rng.range(0.02, 0.05) * W), true);
  else p.gradient(shade(wall, 1.05), shade(wall, 0.9), 0, base).texture(5, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, 0, W, base);

  // Window (bright, with a cross) or a door, and picture frames.
  if (rng.chance(0.6)) {
    const wx = rng.range(0.05, 0.75) * W;
    const ww = rng.range(0.12, 0.22) * W;
    const wy = base * rng.range(0.15, 0.3);
    const wh = base * rng.range(0.35, 0.5);
    p.solid(0xf4f4f0).rect(wx - 4, wy - 4, wx + ww + 4, wy + wh + 4);
    p.gradient(0xb8d8f0, 0xe8f0f4, wy, wy + wh).rect(wx, wy, wx + ww, wy + wh);
    p.solid(0xf4f4f0).rect(wx + ww / 2 - 2, wy, wx + ww / 2 + 2, wy + wh);
    p.rect(wx, wy + wh / 2 - 2, wx + ww, wy + wh / 2 + 2);
  } else {
    const dx = rng.range(0.05, 0.8) * W;
    const dw = rng.range(0.1, 0.16) * W;
    p.solid(jitter(rng, 0x8a6a4a, 12)).texture(8, rng.int(0, 255), rng.int(0, 255)).rect(dx, base * 0.2, dx + dw, base);
    p.solid(0xd0c060).ellipse(dx + dw * 0.85, base * 0.6, 3, 3);
  }
  const pictures = rng.int(0, 3);
  for (let i = 0; i < pictures; i++) {
    const px = rng.range(0, 0.9) * W;
    const pw = rng.range(0.05, 0.12) * W;
    const py = base * rng.range(0.15, 0.45);
    p.solid(jitter(rng, 0x3a2a1a, 10)).rect(px, py, px + pw, py + pw * 0.75);
    p.solid(hsv(rng.range(0, 360), 0.4, 0.7)).texture(20, rng.int(0, 255), rng.int(0, 255)).rect(px + 3, py + 3, px + pw - 3, py + pw * 0.75 - 3);
  }

  const floor = rng.pick(['boards', 'tiles', 'carpet'] as const);
  const fc = jitter(rng, appearance === 'shifted' ? rng.pick([0x505a6a, 0xb0a080]) : rng.pick([0xa07a50, 0x8a6a4a, 0xc8c0b0, 0x7a6a60]), 10);
  if (floor === 'boards') p.stripes(fc, shade(fc, 0.88), base, Math.max(2, rng.range(0.015, 0.03) * H), false).texture(14, rng.int(0, 255), rng.int(0, 255));
  else if (floor === 'tiles') p.stripes(fc, mix(fc, 0xffffff, 0.25), 0, Math.max(4, rng.range(0.06, 0.12) * W), true).texture(6, rng.int(0, 255), rng.int(0, 255));
  else p.gradient(shade(fc, 1.08), shade(fc, 0.92), base, H).texture(22, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, base, W, H);
  p.solid(shade(wall, 0.7)).rect(0, base - 0.015 * H, W, base + 1);
  if (rng.chance(0.5)) {
    p.solid(jitter(rng, hsv(rng.range(0, 360), 0.45, 0.55), 10)).texture(18, rng.int(0, 255), rng.int(0, 255));
    p.ellipse(rng.range(0.2, 0.8) * W, base + (H - base) * rng.range(0.35, 0.7), rng.range(0.15, 0.3) * W, rng.range(0.06, 0.12) * H);
  }
  const pieces = rng.int(1, 3);
  for (let i = 0; i < pieces; i++) furniture(p, rng, W, H, base + 0.005 * H, appearance);
  scatterDistractors(p, rng, f, horizon, scale, base + 4, rng.int(0, 4), ['planter', 'box', 'ball'], appearance);
  return { family: 'indoor', horizon, groundTop: base + 0.02 * H, scale, occluders: randomOccluders(rng, f, 0.3), classWeights: [1.2, 0.35, 1.2] };
}
