/**
 * Applies blur, then light and sensor noise, in place, over packed RGB. Hot path of the live camera: typed
 * arrays, integer arithmetic, lookup tables, no allocation per pixel. Optics blur before the sensor adds
 * noise, so noise stays sharp as on a real camera.
 */
import type { LightingParams } from './lighting.ts';
import { hashSeed, Rng } from './prng.ts';

const NOISE_BITS = 16;
const NOISE_SIZE = 1 << NOISE_BITS;
const NOISE_MASK = NOISE_SIZE - 1;
/** Table values are N(0, 1) deviates times this. */
const NOISE_UNIT = 32;

let noiseTable: Int8Array | undefined;

function gaussianTable(): Int8Array {
  if (noiseTable === undefined) {
    const rng = new Rng(0x6e015e);
    noiseTable = new Int8Array(NOISE_SIZE);
    for (let i = 0; i < NOISE_SIZE; i++) noiseTable[i] = Math.max(-127, Math.min(127, Math.round(rng.normal() * NOISE_UNIT)));
  }
  return noiseTable;
}

/** Scratch buffers reused across frames of one size. */
export class Finisher {
  private tmp: Uint8Array = new Uint8Array(0);
  private readonly luts = [new Uint8Array(256), new Uint8Array(256), new Uint8Array(256)] as const;
  private fx = new Int32Array(0);
  private fy = new Int32Array(0);

  apply(rgb: Uint8Array, width: number, height: number, light: LightingParams, noiseSeed: number): void {
    for (let pass = 0; pass < light.blur; pass++) this.blur121(rgb, width, height);
    this.light(rgb, width, height, light, noiseSeed);
  }

  /** Separable [1 2 1]/4 blur, edges clamped. */
  private blur121(rgb: Uint8Array, width: number, height: number): void {
    if (this.tmp.length !== rgb.length) this.tmp = new Uint8Array(rgb.length);
    const tmp = this.tmp;
    const stride = width * 3;
    if (width < 2 || height < 2) return;
    for (let y = 0; y < height; y++) {
      const row = y * stride;
      for (let c = 0; c < 3; c++) {
        tmp[row + c] = (3 * rgb[row + c]! + rgb[row + 3 + c]! + 2) >> 2;
        const last = row + stride - 3 + c;
        tmp[last] = (3 * rgb[last]! + rgb[last - 3]! + 2) >> 2;
      }
      const end = row + stride - 3;
      for (let i = row + 3; i < end; i++) tmp[i] = (rgb[i - 3]! + 2 * rgb[i]! + rgb[i + 3]! + 2) >> 2;
    }
    for (let i = 0; i < stride; i++) {
      rgb[i] = (3 * tmp[i]! + tmp[i + stride]! + 2) >> 2;
      const j = (height - 1) * stride + i;
      rgb[j] = (3 * tmp[j]! + tmp[j - stride]! + 2) >> 2;
    }
    const end = (height - 1) * stride;
    for (let i = stride; i < end; i++) rgb[i] = (tmp[i - stride]! + 2 * tmp[i]! + tmp[i + stride]! + 2) >> 2;
  }

  private light(rgb: Uint8Array, width: number, height: number, p: LightingParams, noiseSeed: number): void {
    for (let c = 0; c < 3; c++) {
      const lut = this.luts[c as 0 | 1 | 2];
      const gain = p.gain[c as 0 | 1 | 2] * p.brightness;
      for (let v = 0; v < 256; v++) {
        const out = ((v / 255 - 0.5) * p.contrast + 0.5) * gain * 255;
        lut[v] = out < 0 ? 0 : out > 255 ? 255 : Math.round(out);
      }
    }
    if (this.fx.length !== width) this.fx = new Int32Array(width);
    if (this.fy.length !== height) this.fy = new Int32Array(height);
    // Light factor = 1 + linear gradient - vignette; separable as fx[x] + fy[y], in 1/256 units.
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width - 0.5;
      this.fx[x] = Math.round(256 * (p.slopeX * u - 2 * p.vignette * u * u));
    }
    for (let y = 0; y < height; y++) {
      const v = (y + 0.5) / height - 0.5;
      this.fy[y] = Math.round(256 * (1 + p.slopeY * v - 2 * p.vignette * v * v));
    }
    const [lr, lg, lb] = this.luts;
    const fx = this.fx;
    const out = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.length);
    const table = gaussianTable();
    const amp = Math.round((p.noise / NOISE_UNIT) * 256);
    let i = 0;
    for (let y = 0; y < height; y++) {
      const fyv = this.fy[y]!;
      // A fresh table offset per row keeps the noise from repeating in visible patterns.
      let k = hashSeed(noiseSeed, y) & NOISE_MASK;
      if (amp === 0) {
        for (let x = 0; x < width; x++) {
          const f = fyv + fx[x]!;
          out[i] = (lr[rgb[i]!]! * f) >> 8;
          out[i + 1] = (lg[rgb[i + 1]!]! * f) >> 8;
          out[i + 2] = (lb[rgb[i + 2]!]! * f) >> 8;
          i += 3;
        }
        continue;
      }
      for (let x = 0; x < width; x++) {
        const f = fyv + fx[x]!;
        out[i] = ((lr[rgb[i]!]! * f) >> 8) + ((table[k]! * amp) >> 8);
        out[i + 1] = ((lg[rgb[i + 1]!]! * f) >> 8) + ((table[(k + 1) & NOISE_MASK]! * amp) >> 8);
        out[i + 2] = ((lb[rgb[i + 2]!]! * f) >> 8) + ((table[(k + 2) & NOISE_MASK]! * amp) >> 8);
        k = (k + 3) & NOISE_MASK;
        i += 3;
      }
    }
  }
}
