/**
 * Packed 0xRRGGBB colours: plain numbers, so palettes and shape paints allocate nothing per pixel.
 */
import type { Rng } from './prng.ts';

export type Rgb = number;

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

export function rgb(r: number, g: number, b: number): Rgb {
  return (clampByte(r) << 16) | (clampByte(g) << 8) | clampByte(b);
}

export function red(c: Rgb): number {
  return (c >>> 16) & 255;
}

export function green(c: Rgb): number {
  return (c >>> 8) & 255;
}

export function blue(c: Rgb): number {
  return c & 255;
}

/** Multiplies every channel by `f` (shadow < 1 < highlight). */
export function shade(c: Rgb, f: number): Rgb {
  return rgb(red(c) * f, green(c) * f, blue(c) * f);
}

/** Linear blend: t = 0 gives a, t = 1 gives b. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return rgb(red(a) + (red(b) - red(a)) * t, green(a) + (green(b) - green(a)) * t, blue(a) + (blue(b) - blue(a)) * t);
}

/** Moves each channel by up to ±amount, with a shared brightness part so hues stay recognisable. */
export function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  const common = rng.range(-amount, amount);
  const each = amount * 0.35;
  return rgb(
    red(c) + common + rng.range(-each, each),
    green(c) + common + rng.range(-each, each),
    blue(c) + common + rng.range(-each, each),
  );
}

/** h in degrees, s and v in 0..1. */
export function hsv(h: number, s: number, v: number): Rgb {
  const hh = (((h % 360) + 360) % 360) / 60;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const [r, g, b] = i === 0 ? [v, t, p] : i === 1 ? [q, v, p] : i === 2 ? [p, v, t] : i === 3 ? [p, q, v] : i === 4 ? [t, p, v] : [v, p, q];
  return rgb(r * 255, g * 255, b * 255);
}
