/**
 * I420 → RGB in slices of rows, a turn of the event loop between slices, so converting a large frame never
 * holds up a frame result or a rule timer. Each slice is gathered into a small I420 image of its own (its Y
 * rows, then its U and V rows, each contiguous in the source) and converted by `i420ToRgb` unchanged.
 * Slices start on even rows, so each owns whole chroma rows (4:2:0 pairs rows).
 */
import { frameByteLength } from '../../camera/frame.ts';
import { i420ToRgb } from '../../camera/i420.ts';

const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

export interface SliceOptions {
  /** Rows per slice are chosen so a slice holds about this many pixels. */
  readonly slicePixels: number;
  /** Scratch buffer for a slice, reused when big enough; the one used is returned. */
  readonly scratch?: Uint8Array;
}

/** Converts tightly packed I420 into `out` (RGB24). Resolves with the scratch buffer it used. */
export async function i420ToRgbInSlices(src: Uint8Array, width: number, height: number, out: Uint8Array, options: SliceOptions): Promise<Uint8Array> {
  const rows = Math.max(2, Math.floor(options.slicePixels / width) & ~1);
  const bandBytes = frameByteLength('i420', width, Math.min(rows, height));
  const band = options.scratch !== undefined && options.scratch.length >= bandBytes ? options.scratch : new Uint8Array(bandBytes);
  const cw = Math.ceil(width / 2);
  const uBase = width * height;
  const vBase = uBase + cw * Math.ceil(height / 2);
  for (let y0 = 0; y0 < height; y0 += rows) {
    // Even the first slice waits a turn: the caller is inside the frame's callback.
    await nextTurn();
    const y1 = Math.min(height, y0 + rows);
    const c0 = y0 / 2;
    const c1 = Math.ceil(y1 / 2);
    const ySize = width * (y1 - y0);
    const cSize = cw * (c1 - c0);
    band.set(src.subarray(y0 * width, y1 * width), 0);
    band.set(src.subarray(uBase + c0 * cw, uBase + c1 * cw), ySize);
    band.set(src.subarray(vBase + c0 * cw, vBase + c1 * cw), ySize + cSize);
    i420ToRgb(band.subarray(0, ySize + 2 * cSize), width, y1 - y0, out.subarray(y0 * width * 3, y1 * width * 3));
  }
  return band;
}
