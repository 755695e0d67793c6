/**
 * Frame -> model input in one pass: letterbox (Ultralytics `LetterBox`), bilinear resampling with half-pixel
 * centres (cv2.resize INTER_LINEAR), pad value 114, RGB, /255, NCHW float32. The tensor and all lookup tables
 * are allocated once and reused; only a change of frame size or format recomputes the tables.
 *
 * I420 frames are converted to RGB while resampling (BT.601 limited range, what ffmpeg's `-pix_fmt yuv420p`
 * and the camera adapters deliver), so no full-size RGB copy exists. Bilinear interpolation and the YUV->RGB
 * matrix are both linear, so interpolating Y, U, V and converting once per output pixel equals converting
 * first and interpolating after, up to the final clamp.
 */
import { letterboxGeometry, type LetterboxGeometry } from './letterbox.ts';
import type { FrameImage } from './frame-check.ts';
import type { PixelFormat } from '../camera/frame.ts';

const PAD = 114 / 255;
const INV255 = 1 / 255;

// ITU-R BT.601: Kr = 0.299, Kb = 0.114; limited range: Y in [16, 235], Cb/Cr in [16, 240].
const KR = 0.299;
const KB = 0.114;
const KG = 1 - KR - KB;
const Y_GAIN = 255 / 219;
const C_GAIN = 255 / 224;
const R_V = C_GAIN * 2 * (1 - KR);
const G_U = (C_GAIN * 2 * (1 - KB) * KB) / KG;
const G_V = (C_GAIN * 2 * (1 - KR) * KR) / KG;
const B_U = C_GAIN * 2 * (1 - KB);

/**
 * cv2 INTER_LINEAR source taps for each destination index: fx = (d + 0.5) * src/dst - 0.5, left tap
 * floor(fx), weight fx - floor(fx), both clamped at the borders the way cv2's resize clamps them
 * (opencv modules/imgproc/src/resize.cpp). `mul` pre-multiplies the tap indices (3 for packed RGB).
 */
function buildTaps(src: number, dst: number, mul: number, i0: Int32Array, i1: Int32Array, w: Float32Array): void {
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    let f = (d + 0.5) * scale - 0.5;
    let s = Math.floor(f);
    f -= s;
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= src - 1) {
      s = src - 1;
      f = 0;
    }
    i0[d] = s * mul;
    i1[d] = Math.min(s + 1, src - 1) * mul;
    w[d] = f;
  }
}

class Taps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w: Float32Array;
  constructor(size: number) {
    this.i0 = new Int32Array(size);
    this.i1 = new Int32Array(size);
    this.w = new Float32Array(size);
  }
}

export class LetterboxPreprocessor {
  /** [1, 3, height, width], reused for every frame: wrap it in one onnxruntime Tensor once. */
  readonly tensor: Float32Array;
  private readonly xTaps: Taps;
  private readonly yTaps: Taps;
  private readonly cxTaps: Taps;
  private readonly cyTaps: Taps;
  private geometry: LetterboxGeometry | undefined;
  private format: PixelFormat | undefined;

  constructor(readonly width: number, readonly height: number) {
    this.tensor = new Float32Array(3 * width * height);
    this.xTaps = new Taps(width);
    this.yTaps = new Taps(height);
    this.cxTaps = new Taps(width);
    this.cyTaps = new Taps(height);
  }

  /** Fills `tensor` from the frame (already checked with checkFrame) and returns the letterbox used. */
  fill(frame: FrameImage): LetterboxGeometry {
    const g = this.prepare(frame);
    switch (frame.format) {
      case 'rgb24':
        this.fillRgb(frame.data, frame.width, g);
        break;
      case 'i420':
        this.fillI420(frame.data, frame.width, frame.height, g);
        break;
    }
    return g;
  }

  private prepare(frame: FrameImage): LetterboxGeometry {
    const old = this.geometry;
    if (old?.srcWidth === frame.width && old.srcHeight === frame.height && this.format === frame.format) return old;
    const g = letterboxGeometry(frame.width, frame.height, this.width, this.height);
    // The padding never changes while the geometry holds, so it is written once here, not per frame.
    this.tensor.fill(PAD);
    const rgb = frame.format === 'rgb24';
    buildTaps(frame.width, g.newWidth, rgb ? 3 : 1, this.xTaps.i0, this.xTaps.i1, this.xTaps.w);
    buildTaps(frame.height, g.newHeight, 1, this.yTaps.i0, this.yTaps.i1, this.yTaps.w);
    if (!rgb) {
      buildTaps(Math.ceil(frame.width / 2), g.newWidth, 1, this.cxTaps.i0, this.cxTaps.i1, this.cxTaps.w);
      buildTaps(Math.ceil(frame.height / 2), g.newHeight, 1, this.cyTaps.i0, this.cyTaps.i1, this.cyTaps.w);
    }
    this.geometry = g;
    this.format = frame.format;
    return g;
  }

  private fillRgb(d: Uint8Array, srcWidth: number, g: LetterboxGeometry): void {
    const t = this.tensor;
    const plane = this.width * this.height;
    const stride = srcWidth * 3;
    const { i0: xi0, i1: xi1, w: xw } = this.xTaps;
    const { i0: yi0, i1: yi1, w: yw } = this.yTaps;
    for (let y = 0; y < g.newHeight; y++) {
      const r0 = yi0[y]! * stride;
      const r1 = yi1[y]! * stride;
      const wy = yw[y]!;
      const wy0 = 1 - wy;
      let o = (g.top + y) * this.width + g.left;
      for (let x = 0; x < g.newWidth; x++, o++) {
        const a = xi0[x]!;
        const b = xi1[x]!;
        const wx = xw[x]!;
        const wx0 = 1 - wx;
        const p00 = r0 + a;
        const p01 = r0 + b;
        const p10 = r1 + a;
        const p11 = r1 + b;
        t[o] = ((d[p00]! * wx0 + d[p01]! * wx) * wy0 + (d[p10]! * wx0 + d[p11]! * wx) * wy) * INV255;
        t[o + plane] = ((d[p00 + 1]! * wx0 + d[p01 + 1]! * wx) * wy0 + (d[p10 + 1]! * wx0 + d[p11 + 1]! * wx) * wy) * INV255;
        t[o + 2 * plane] = ((d[p00 + 2]! * wx0 + d[p01 + 2]! * wx) * wy0 + (d[p10 + 2]! * wx0 + d[p11 + 2]! * wx) * wy) * INV255;
      }
    }
  }

  private fillI420(d: Uint8Array, srcWidth: number, srcHeight: number, g: LetterboxGeometry): void {
    const t = this.tensor;
    const plane = this.width * this.height;
    const cw = Math.ceil(srcWidth / 2);
    const uBase = srcWidth * srcHeight;
    const vFromU = cw * Math.ceil(srcHeight / 2);
    const { i0: xi0, i1: xi1, w: xw } = this.xTaps;
    const { i0: yi0, i1: yi1, w: yw } = this.yTaps;
    const { i0: cxi0, i1: cxi1, w: cxw } = this.cxTaps;
    const { i0: cyi0, i1: cyi1, w: cyw } = this.cyTaps;
    for (let y = 0; y < g.newHeight; y++) {
      const l0 = yi0[y]! * srcWidth;
      const l1 = yi1[y]! * srcWidth;
      const wy = yw[y]!;
      const wy0 = 1 - wy;
      const c0 = uBase + cyi0[y]! * cw;
      const c1 = uBase + cyi1[y]! * cw;
      const cwy = cyw[y]!;
      const cwy0 = 1 - cwy;
      let o = (g.top + y) * this.width + g.left;
      for (let x = 0; x < g.newWidth; x++, o++) {
        const a = xi0[x]!;
        const b = xi1[x]!;
        const wx = xw[x]!;
        const wx0 = 1 - wx;
        const lum = (d[l0 + a]! * wx0 + d[l0 + b]! * wx) * wy0 + (d[l1 + a]! * wx0 + d[l1 + b]! * wx) * wy;
        const ca = cxi0[x]!;
        const cb = cxi1[x]!;
        const cwx = cxw[x]!;
        const cwx0 = 1 - cwx;
        const u = (d[c0 + ca]! * cwx0 + d[c0 + cb]! * cwx) * cwy0 + (d[c1 + ca]! * cwx0 + d[c1 + cb]! * cwx) * cwy - 128;
        const v0 = c0 + vFromU;
        const v1 = c1 + vFromU;
        const v = (d[v0 + ca]! * cwx0 + d[v0 + cb]! * cwx) * cwy0 + (d[v1 + ca]! * cwx0 + d[v1 + cb]! * cwx) * cwy - 128;
        const yy = (lum - 16) * Y_GAIN;
        const r = (yy + R_V * v) * INV255;
        const gg = (yy - G_U * u - G_V * v) * INV255;
        const bb = (yy + B_U * u) * INV255;
        t[o] = r < 0 ? 0 : r > 1 ? 1 : r;
        t[o + plane] = gg < 0 ? 0 : gg > 1 ? 1 : gg;
        t[o + 2 * plane] = bb < 0 ? 0 : bb > 1 ? 1 : bb;
      }
    }
  }
}
