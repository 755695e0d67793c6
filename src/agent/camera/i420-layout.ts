/**
 * Where the three planes of an I420 frame sit in a capture tool's output, when rows are padded.
 * Adapters read `frameBytes` per frame and `stripI420Padding` copies the visible pixels into a tightly packed
 * buffer (the layout of frame.ts).
 */
import { LookoutError } from '../../errors.ts';
import { frameByteLength } from './frame.ts';

export interface I420Layout {
  readonly width: number;
  readonly height: number;
  /** Bytes from one luma row to the next. */
  readonly yStride: number;
  /** Luma rows before the U plane starts (>= height when the tool pads the plane height). */
  readonly yRows: number;
  /** Bytes from one chroma row to the next, in both chroma planes. */
  readonly cStride: number;
  /** Rows per chroma plane before the next plane starts. */
  readonly cRows: number;
  /** Bytes per frame on the wire, padding included. */
  readonly frameBytes: number;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function layout(width: number, height: number, yStride: number, yRows: number, cStride: number, cRows: number): I420Layout {
  return { width, height, yStride, yRows, cStride, cRows, frameBytes: yStride * yRows + 2 * cStride * cRows };
}

/** No padding: what ffmpeg writes for `-f rawvideo -pix_fmt yuv420p`. */
export function tightI420Layout(width: number, height: number): I420Layout {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  return layout(width, height, width, height, cw, ch);
}

/** Which Raspberry Pi ISP produced the buffer: VideoCore IV/VI (Pi 0-4) or PiSP (Pi 5). */
export type RpiIsp = 'vc4' | 'pisp';

/**
 * The buffer `rpicam-vid --codec yuv420 -o -` writes per frame: its NullEncoder hands the whole libcamera
 * buffer to the output unchanged (rpicam-apps encoder/null_encoder.cpp, core/rpicam_encoder.hpp), hence
 * rpicam-apps#857 (garbled frames when read as plain yuv420p at width 2028: the rows are 2048 bytes apart).
 * Plane order and strides as rpicam-apps itself reads them (image/yuv.cpp): Y rows of `stride` bytes for
 * `height` rows, then U then V, each `height/2` rows of `stride/2` bytes, no gap between planes.
 * The luma stride comes from the ISP driver:
 * - vc4: bcm2835-isp aligns YUV420 bytesperline to 64 (raspberrypi/linux#4419); sizeimage = bpl*h*3/2;
 * - pisp: libcamera (pipeline/rpi/pisp/pisp.cpp computeOptimalStride) aligns the chroma stride to 64
 *   (libpisp compute_optimal_stride, PISP_BACK_END_OUTPUT_MAX_ALIGN) and sets the luma stride to twice it.
 * Both need even sizes (rpicam-apps image/yuv.cpp refuses odd ones).
 */
export function rpicamI420Layout(width: number, height: number, isp: RpiIsp, yStrideOverride?: number): I420Layout {
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new LookoutError('config', 'CAMERA_ODD_SIZE', `rpicam-vid yuv420 needs an even width and height, got ${width}x${height}`, {
      where: width % 2 !== 0 ? 'camera.width' : 'camera.height',
    });
  }
  let yStride: number;
  if (yStrideOverride !== undefined) {
    if (yStrideOverride < width || yStrideOverride % 2 !== 0) {
      throw new LookoutError('config', 'CAMERA_BAD_STRIDE', `stride ${yStrideOverride} must be even and at least the width ${width}`, {
        where: 'camera.stride',
      });
    }
    yStride = yStrideOverride;
  } else {
    yStride = isp === 'vc4' ? align(width, 64) : 2 * align(width / 2, 64);
  }
  return layout(width, height, yStride, height, yStride / 2, height / 2);
}

/**
 * GStreamer's default I420 layout for system-memory `video/x-raw,format=I420` buffers, which `fdsink` writes
 * as they are (gst-plugins-base video-info.c fill_planes): luma stride GST_ROUND_UP_4(width), chroma stride
 * GST_ROUND_UP_4(GST_ROUND_UP_2(width) / 2), luma plane GST_ROUND_UP_2(height) rows, chroma planes
 * GST_ROUND_UP_2(height) / 2 rows.
 */
export function gstreamerI420Layout(width: number, height: number): I420Layout {
  const h2 = align(height, 2);
  return layout(width, height, align(width, 4), h2, align(align(width, 2) / 2, 4), h2 / 2);
}

/** True when the layout has no padding at all (frames can be read straight into a pool buffer). */
export function isTight(l: I420Layout): boolean {
  return l.frameBytes === frameByteLength('i420', l.width, l.height);
}

// Buffer#copy takes offsets, so copying a row makes no view object: nothing is allocated per row or frame.
function copyPlane(src: Buffer, srcOffset: number, srcStride: number, dst: Uint8Array, dstOffset: number, rowBytes: number, rows: number): void {
  if (srcStride === rowBytes) {
    src.copy(dst, dstOffset, srcOffset, srcOffset + rowBytes * rows);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * srcStride;
    src.copy(dst, dstOffset + r * rowBytes, s, s + rowBytes);
  }
}

/** Copies the visible pixels of one padded frame (`src` holds exactly `l.frameBytes`) into tightly packed `dst`. */
export function stripI420Padding(src: Buffer, l: I420Layout, dst: Uint8Array): void {
  const cw = Math.ceil(l.width / 2);
  const ch = Math.ceil(l.height / 2);
  const uSrc = l.yStride * l.yRows;
  const vSrc = uSrc + l.cStride * l.cRows;
  const uDst = l.width * l.height;
  const vDst = uDst + cw * ch;
  copyPlane(src, 0, l.yStride, dst, 0, l.width, l.height);
  copyPlane(src, uSrc, l.cStride, dst, uDst, cw, ch);
  copyPlane(src, vSrc, l.cStride, dst, vDst, cw, ch);
}
