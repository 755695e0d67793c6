/**
 * A yard: sky, a tree line, a wooden fence or a house wall, grass with a path, flower beds; balls, planters,
 * boxes and a kennel as distractors.
 */
import { hsv, jitter, mix, shade } from '../color.ts';
import type { Appearance } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { drawSky, groundScale, randomOccluders, scatterDistractors, type Frame2D } from './common.ts';
import type { SceneLayout } from './layout.ts';

export function drawYard(p: Painter, rng: Rng, f: Frame2D, appearance: Appearance): SceneLayout {
  const { width: W, height: H } = f;
  const horizon = rng.range(0.3, 0.45) * H;
  const scale = groundScale(rng, f, horizon);
  drawSky(p, rng, f, horizon);

  const leaf = jitter(rng, appearance === 'shifted' ? rng.pick([0x8a6a2a, 0x5a7a8a]) : rng.pick([0x2f5a2a, 0x3a6a34, 0x4a6a2a]), 10);
  p.setId(0).solid(leaf).texture(28, rng.int(0, 255), rng.int(0, 255));
  for (let x = -20; x < W + 20; x += rng.range(0.04, 0.1) * W) {
    const r = rng.range(0.04, 0.12) * H;
    p.ellipse(x, horizon - r * rng.range(0.3, 0.9), r * rng.range(0.8, 1.3), r);
  }

  const grass = jitter(rng, appearance === 'shifted' ? rng.pick([0xb8a070, 0xdcdcd8]) : rng.pick([0x5a8a3a, 0x6a9a40, 0x4f7f35]), 10);
  p.gradient(mix(grass, 0xb0c0a0, 0.25), grass, horizon, H).texture(30, rng.int(0, 255), rng.int(0, 255));
  p.rect(0, horizon, W, H);

  // Fence a little in front of the horizon: posts and rails, or plain boards.
  const fenceBase = horizon + rng.range(0.01, 0.05) * H;
  const fenceH = rng.range(0.08, 0.18) * H;
  const wood = jitter(rng, appearance === 'shifted' ? 0xf0f0f0 : rng.pick([0x8a6a48, 0x9a7a52, 0x6a5038]), 12);
  if (rng.chance(0.5)) {
    p.solid(wood).texture(10, rng.int(0, 255), rng.int(0, 255));
    p.rect(0, fenceBase - fenceH * 0.8, W, fenceBase - fenceH * 0.68);
    p.rect(0, fenceBase - fenceH * 0.35, W, fenceBase - fenceH * 0.23);
    const gap = rng.range(0.02, 0.05) * W;
    for (let x = rng.range(0, gap); x < W; x += gap) p.rect(x, fenceBase - fenceH, x + gap * 0.45, fenceBase);
  } else {
    p.stripes(wood, shade(wood, 0.82), 0, Math.max(2, rng.range(0.01, 0.02) * W), true).texture(8, rng.int(0, 255), rng.int(0, 255));
    p.rect(0, fenceBase - fenceH, W, fenceBase);
  }

  // A path narrowing towards the horizon.
  if (rng.chance(0.6)) {
    const pathC = jitter(rng, rng.pick([0xb8a888, 0x9a8a78, 0xc0b8a8]), 10);
    const px = rng.range(0.2, 0.8) * W;
    const bottomX = rng.range(-0.1, 1.1) * W;
    const bw = rng.range(0.12, 0.3) * W;
    p.solid(pathC).texture(14, rng.int(0, 255), rng.int(0, 255));
    p.polygon([px - 3, fenceBase, px + 3, fenceBase, bottomX + bw, H, bottomX - bw, H]);
  }
  // Flower beds: small dots of colour along the fence.
  const beds = rng.int(0, 3);
  for (let i = 0; i < beds; i++) {
    const bx = rng.range(0, W);
    const by = fenceBase + rng.range(0.005, 0.04) * H;
    for (let k = 0; k < 12; k++) {
      p.solid(hsv(rng.range(0, 360), 0.7, 0.9));
      p.ellipse(bx + rng.range(-0.06, 0.06) * W, by + rng.range(-0.01, 0.01) * H, 0.004 * W + 1, 0.004 * W + 1);
    }
  }
  scatterDistractors(p, rng, f, horizon, scale, fenceBase + 2, rng.int(1, 5), ['ball', 'planter', 'box', 'bin'], appearance);
  return { family: 'yard', horizon, groundTop: fenceBase + 0.01 * H, scale, occluders: randomOccluders(rng, f, 0.7), classWeights: [1, 0.7, 1.2] };
}
