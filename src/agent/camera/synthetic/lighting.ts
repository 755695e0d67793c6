/**
 * Camera and light nuisances per domain: brightness, contrast, colour cast, a brightness gradient with
 * vignetting, optical blur and sensor noise. Parameters are drawn once per image (once per domain for the
 * live camera); `finish.ts` applies them.
 */
import type { Lighting } from './domain.ts';
import type { Rng } from './prng.ts';

export interface LightingParams {
  /** Multiplies the contrast-adjusted level. */
  readonly brightness: number;
  readonly contrast: number;
  /** Per-channel gains (colour cast). */
  readonly gain: readonly [number, number, number];
  /** Brightness change from the left to the right edge and from the top to the bottom edge. */
  readonly slopeX: number;
  readonly slopeY: number;
  /** Darkening at the corners (0 = none). */
  readonly vignette: number;
  /** Sensor noise standard deviation, in levels. */
  readonly noise: number;
  /** Optical blur: 0 none, 1 = [1 2 1]/4, 2 = that twice (binomial 5-tap). */
  readonly blur: 0 | 1 | 2;
}

interface Preset {
  readonly brightness: readonly [number, number];
  readonly contrast: readonly [number, number];
  readonly gain: readonly [number, number, number];
  readonly cast: number;
  readonly slope: number;
  readonly skyBright: number;
  readonly vignette: readonly [number, number];
  readonly noise: readonly [number, number];
  /** Odds of no blur, light blur, stronger blur. */
  readonly blur: readonly [number, number, number];
}

const PRESETS: Record<Lighting, Preset> = {
  day: { brightness: [0.88, 1.12], contrast: [0.88, 1.12], gain: [1, 1, 1], cast: 0.05, slope: 0.12, skyBright: 0, vignette: [0, 0.2], noise: [1.5, 4], blur: [0.5, 0.35, 0.15] },
  overcast: { brightness: [0.78, 0.95], contrast: [0.62, 0.8], gain: [0.96, 0.99, 1.05], cast: 0.03, slope: 0.06, skyBright: 0, vignette: [0, 0.15], noise: [2, 5], blur: [0.45, 0.4, 0.15] },
  dusk: { brightness: [0.5, 0.7], contrast: [0.72, 0.9], gain: [1.14, 0.93, 0.76], cast: 0.05, slope: 0.15, skyBright: 0.25, vignette: [0.1, 0.3], noise: [3.5, 7], blur: [0.35, 0.45, 0.2] },
  night: { brightness: [0.34, 0.48], contrast: [0.6, 0.75], gain: [0.74, 0.9, 1.22], cast: 0.04, slope: 0.1, skyBright: 0.1, vignette: [0.25, 0.45], noise: [5, 9], blur: [0.3, 0.45, 0.25] },
};

export function drawLighting(rng: Rng, lighting: Lighting): LightingParams {
  const p = PRESETS[lighting];
  const g = (k: 0 | 1 | 2): number => p.gain[k] * rng.range(1 - p.cast, 1 + p.cast);
  return {
    brightness: rng.range(p.brightness[0], p.brightness[1]),
    contrast: rng.range(p.contrast[0], p.contrast[1]),
    gain: [g(0), g(1), g(2)],
    slopeX: rng.range(-p.slope, p.slope),
    // Dusk and night skies stay brighter than the ground: light falls off towards the bottom.
    slopeY: rng.range(-p.slope, p.slope) - p.skyBright,
    vignette: rng.range(p.vignette[0], p.vignette[1]),
    noise: rng.range(p.noise[0], p.noise[1]),
    blur: rng.weighted(p.blur) as 0 | 1 | 2,
  };
}

/** No change at all: for tests that compare drawn pixels exactly. */
export const NEUTRAL_LIGHTING: LightingParams = {
  brightness: 1, contrast: 1, gain: [1, 1, 1], slopeX: 0, slopeY: 0, vignette: 0, noise: 0, blur: 0,
};
