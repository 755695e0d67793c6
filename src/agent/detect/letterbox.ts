/**
 * Letterbox geometry (model input <- frame) and its inverse (frame <- model boxes), with the exact rounding of
 * Ultralytics `LetterBox` (ultralytics/data/augment.py) and `scale_boxes` (ultralytics/utils/ops.py), so the
 * agent feeds the model the pixels it was validated on and maps boxes back to the same frame pixels.
 *
 * The inverse takes the pad the letterbox really used, as Ultralytics validation does (LetterBox stores
 * `ratio_pad = (r, (left, top))` "for evaluation" and the validator passes it to scale_boxes). scale_boxes'
 * fallback formula, round((W - w*r)/2 - 0.1), starts from the unrounded width and can be one input pixel off:
 * a 61x97 frame into a 320x192 input is resized to 121 px wide and padded 99 px on the left, but the formula
 * says 100.
 */
import type { BoxXYXY } from './types.ts';

/** Python 3 `round()`: halves go to the even neighbour (round(2.5) == 2), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface LetterboxGeometry {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly dstWidth: number;
  readonly dstHeight: number;
  /** r = min(dstH / srcH, dstW / srcW); Ultralytics scales up as well as down (scaleup=True). */
  readonly scale: number;
  /** The resized image inside the padded input: round(srcW * r) x round(srcH * r). */
  readonly newWidth: number;
  readonly newHeight: number;
  /** Padding before the image: round(dw - 0.1), round(dh - 0.1) with dw, dh the half-paddings. */
  readonly left: number;
  readonly top: number;
}

export function letterboxGeometry(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): LetterboxGeometry {
  const scale = Math.min(dstHeight / srcHeight, dstWidth / srcWidth);
  // Clamp to at least one pixel: an extreme aspect ratio must not produce an empty resize.
  const newWidth = Math.max(1, roundHalfEven(srcWidth * scale));
  const newHeight = Math.max(1, roundHalfEven(srcHeight * scale));
  const dw = (dstWidth - newWidth) / 2;
  const dh = (dstHeight - newHeight) / 2;
  return {
    srcWidth, srcHeight, dstWidth, dstHeight, scale, newWidth, newHeight,
    left: roundHalfEven(dw - 0.1),
    top: roundHalfEven(dh - 0.1),
  };
}

/** How `scale_boxes` undoes the letterbox: subtract pad, divide by gain, clip to the frame. */
export interface BoxMapping {
  readonly gain: number;
  readonly padX: number;
  readonly padY: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
}

export function boxMapping(g: LetterboxGeometry): BoxMapping {
  return { gain: g.scale, padX: g.left, padY: g.top, frameWidth: g.srcWidth, frameHeight: g.srcHeight };
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/** Maps an input-space box (x1, y1, x2, y2) to frame pixels, clipped to [0, width] x [0, height]. */
export function mapBoxToFrame(m: BoxMapping, x1: number, y1: number, x2: number, y2: number): BoxXYXY {
  return [
    clamp((x1 - m.padX) / m.gain, m.frameWidth),
    clamp((y1 - m.padY) / m.gain, m.frameHeight),
    clamp((x2 - m.padX) / m.gain, m.frameWidth),
    clamp((y2 - m.padY) / m.gain, m.frameHeight),
  ];
}
