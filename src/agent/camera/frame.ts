/**
 * A raw frame as it leaves a camera adapter. Leaf module shared by camera, detect and pipeline.
 *
 * `i420`: planar YUV 4:2:0, tightly packed (Y plane width*height, then U and V planes of
 * ceil(width/2)*ceil(height/2)); adapters remove any row padding before a frame leaves them.
 * `rgb24`: packed RGB, 3 bytes per pixel, no padding.
 */
export type PixelFormat = 'i420' | 'rgb24';

export interface Frame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** Monotonic capture time in milliseconds (the same clock the pipeline stamps GPIO writes with). */
  readonly capturedAt: number;
  /** Sequence number from the source, increasing by one per captured frame (gaps mean drops). */
  readonly seq: number;
}

export function frameByteLength(format: PixelFormat, width: number, height: number): number {
  switch (format) {
    case 'rgb24':
      return width * height * 3;
    case 'i420': {
      const cw = Math.ceil(width / 2);
      const ch = Math.ceil(height / 2);
      return width * height + 2 * cw * ch;
    }
  }
}
