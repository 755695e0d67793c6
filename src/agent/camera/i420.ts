/**
 * RGB24 <-> I420 with ITU-R BT.601 coefficients in limited ("TV") range: Y in 16..235, Cb/Cr in 16..240.
 * That is what ffmpeg's swscale produces for `-pix_fmt yuv420p` from RGB input when no colour matrix is set,
 * and what the camera tools emit for SMPTE 170M, so image-folder frames look like camera frames.
 * Chroma is the mean of each 2x2 block (fewer samples on the last row/column of odd sizes).
 */
import { LookoutError } from '../../errors.ts';
import { frameByteLength } from './frame.ts';

// BT.601 luma weights (ITU-R BT.601-7, 2.5.1) and the 8-bit limited-range excursions 219 and 224.
const KR = 0.299;
const KB = 0.114;
const KG = 1 - KR - KB;
const Y_SCALE = 219 / 255;
const C_SCALE = 224 / 255;

const YR = Y_SCALE * KR;
const YG = Y_SCALE * KG;
const YB = Y_SCALE * KB;
// Cb = (B - L) / (2 (1 - Kb)), Cr = (R - L) / (2 (1 - Kr)), expanded in R, G, B.
const UR = (C_SCALE * -KR) / (2 * (1 - KB));
const UG = (C_SCALE * -KG) / (2 * (1 - KB));
const UB = (C_SCALE * (1 - KB)) / (2 * (1 - KB));
const VR = (C_SCALE * (1 - KR)) / (2 * (1 - KR));
const VG = (C_SCALE * -KG) / (2 * (1 - KR));
const VB = (C_SCALE * -KB) / (2 * (1 - KR));

const INV_Y = 1 / Y_SCALE;
const INV_RV = (2 * (1 - KR)) / C_SCALE;
const INV_BU = (2 * (1 - KB)) / C_SCALE;
const INV_GU = -(KB * INV_BU) / KG;
const INV_GV = -(KR * INV_RV) / KG;

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function checkLength(what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new LookoutError('image', 'FRAME_SIZE_MISMATCH', `${what} holds ${actual} bytes, expected ${expected}`, {
      where: what,
    });
  }
}

/** Converts packed RGB24 to tightly packed I420, into `out` when given (no allocation). */
export function rgbToI420(rgb: Uint8Array, width: number, height: number, out?: Uint8Array): Uint8Array {
  checkLength('rgb', rgb.length, width * height * 3);
  const dst = out ?? new Uint8Array(frameByteLength('i420', width, height));
  checkLength('i420 output', dst.length, frameByteLength('i420', width, height));
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const uBase = width * height;
  const vBase = uBase + cw * ch;

  for (let i = 0, p = 0; i < uBase; i++, p += 3) {
    dst[i] = (16.5 + YR * rgb[p]! + YG * rgb[p + 1]! + YB * rgb[p + 2]!) | 0;
  }
  for (let cy = 0; cy < ch; cy++) {
    const y0 = cy * 2;
    const rows = y0 + 1 < height ? 2 : 1;
    for (let cx = 0; cx < cw; cx++) {
      const x0 = cx * 2;
      const cols = x0 + 1 < width ? 2 : 1;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < rows; dy++) {
        let p = ((y0 + dy) * width + x0) * 3;
        for (let dx = 0; dx < cols; dx++, p += 3) {
          r += rgb[p]!;
          g += rgb[p + 1]!;
          b += rgb[p + 2]!;
        }
      }
      const n = rows * cols;
      const c = cy * cw + cx;
      dst[uBase + c] = clampByte(128 + (UR * r + UG * g + UB * b) / n);
      dst[vBase + c] = clampByte(128 + (VR * r + VG * g + VB * b) / n);
    }
  }
  return dst;
}

/** Converts tightly packed I420 back to RGB24 (nearest chroma sample); the inverse used by tests and previews. */
export function i420ToRgb(i420: Uint8Array, width: number, height: number, out?: Uint8Array): Uint8Array {
  checkLength('i420', i420.length, frameByteLength('i420', width, height));
  const dst = out ?? new Uint8Array(width * height * 3);
  checkLength('rgb output', dst.length, width * height * 3);
  const cw = Math.ceil(width / 2);
  const uBase = width * height;
  const vBase = uBase + cw * Math.ceil(height / 2);

  for (let y = 0, p = 0; y < height; y++) {
    const crow = (y >> 1) * cw;
    for (let x = 0; x < width; x++, p += 3) {
      const l = (i420[y * width + x]! - 16) * INV_Y;
      const c = crow + (x >> 1);
      const u = i420[uBase + c]! - 128;
      const v = i420[vBase + c]! - 128;
      dst[p] = clampByte(l + INV_RV * v);
      dst[p + 1] = clampByte(l + INV_GU * u + INV_GV * v);
      dst[p + 2] = clampByte(l + INV_BU * u);
    }
  }
  return dst;
}
