/**
 * Turns a chosen I420 frame into a sample JPEG, off the frame path:
 *
 * - the frame is copied synchronously (the pipeline takes its buffer back right after `onResult`), into a
 *   buffer reused from one sample to the next; frames that are not sampled are never touched;
 * - I420 → RGB (`i420ToRgb`, BT.601 limited range like the cameras) runs in slices of rows with a turn of
 *   the event loop between them (i420-slices.ts);
 * - sharp (libvips, on libuv's thread pool) downsizes it so the long side is at most `maxLongSide` and encodes
 *   the JPEG, lowering the quality step by step until it fits `maxJpegBytes` (the protocol's limit);
 * - one encode at a time: a frame offered while one is under way is refused and counted.
 */
import sharp from 'sharp';
import { LookoutError } from '../../../errors.ts';
import { MAX_SAMPLE_JPEG_BYTES } from '../../../protocol/index.ts';
import { frameByteLength } from '../../camera/frame.ts';
import { i420ToRgbInSlices } from './i420-slices.ts';

export interface SampleEncoderOptions {
  readonly maxLongSide: number;
  readonly jpegQuality: number;
  /** Largest JPEG accepted; default the protocol's `MAX_SAMPLE_JPEG_BYTES`. */
  readonly maxJpegBytes?: number;
}

export interface EncodedSample {
  readonly jpeg: Buffer;
  /** Size of the JPEG. */
  readonly width: number;
  readonly height: number;
  /** Size of the frame it was made from. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** The quality that made it fit. */
  readonly quality: number;
}

export interface SampleEncoderStats {
  /** Frames copied for encoding (one per accepted sample, none otherwise). */
  copies: number;
  encoded: number;
  /** Frames refused because an encode was under way. */
  droppedBusy: number;
}

/** Rows are converted in slices of about this many pixels (a few milliseconds on a Raspberry Pi 4). */
const SLICE_PIXELS = 128 * 1024;
/** Quality steps when a JPEG is too big; below the floor a sample is not worth its bytes. */
const QUALITY_STEP = 15;
const MIN_QUALITY = 20;

/** Output size: the long side at most `maxLongSide`, aspect kept, never upscaled. */
export function sampleSize(width: number, height: number, maxLongSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxLongSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

let sharpSettled = false;

/**
 * Every sample is a new frame, so libvips' operation cache (sharp's default: up to 50 MB and 100 operations)
 * can never hit: it only holds memory, which a soak shows as RSS growth. And one libvips thread per encode
 * leaves the other cores to inference (sharp's default is a thread per core). Both are process-wide settings
 * (sharp: `cache()`, `concurrency()`), made once, by the first encoder.
 */
function settleSharpForALongRun(): void {
  if (sharpSettled) return;
  sharpSettled = true;
  sharp.cache(false);
  sharp.concurrency(1);
}

export class SampleEncoder {
  readonly stats: SampleEncoderStats = { copies: 0, encoded: 0, droppedBusy: 0 };
  private readonly options: SampleEncoderOptions;
  private i420 = new Uint8Array(0);
  private rgb = new Uint8Array(0);
  private band: Uint8Array = new Uint8Array(0);
  private running: Promise<EncodedSample> | undefined;

  constructor(options: SampleEncoderOptions) {
    this.options = options;
    settleSharpForALongRun();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Copies the frame now and encodes it later. Returns undefined (and counts it) when an encode is under
   * way; rejects with a LookoutError when the frame's size is wrong, when the JPEG cannot fit even at the
   * lowest quality (`SAMPLE_TOO_LARGE`), or when sharp fails (`SAMPLE_ENCODE_FAILED`).
   */
  tryEncode(frame: Uint8Array, width: number, height: number): Promise<EncodedSample> | undefined {
    if (this.running !== undefined) {
      this.stats.droppedBusy++;
      return undefined;
    }
    const expected = frameByteLength('i420', width, height);
    if (frame.length !== expected) {
      return Promise.reject(
        new LookoutError('image', 'FRAME_SIZE_MISMATCH', `sample frame holds ${frame.length} bytes, expected ${expected} for ${width}x${height} I420`, {
          where: 'sample frame',
        }),
      );
    }
    if (this.i420.length !== expected) this.i420 = new Uint8Array(expected);
    this.i420.set(frame);
    this.stats.copies++;
    const run = this.encode(width, height).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** Resolves when no encode is under way (its outcome is the caller's business). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async encode(width: number, height: number): Promise<EncodedSample> {
    await this.toRgb(width, height);
    const size = sampleSize(width, height, this.options.maxLongSide);
    const maxBytes = this.options.maxJpegBytes ?? MAX_SAMPLE_JPEG_BYTES;
    try {
      let pixels: Uint8Array = this.rgb;
      if (size.width !== width || size.height !== height) {
        pixels = await sharp(this.rgb, { raw: { width, height, channels: 3 } }).resize(size.width, size.height, { fit: 'fill' }).raw().toBuffer();
      }
      for (let quality = this.options.jpegQuality; ; quality = Math.max(MIN_QUALITY, quality - QUALITY_STEP)) {
        const jpeg = await sharp(pixels, { raw: { width: size.width, height: size.height, channels: 3 } }).jpeg({ quality }).toBuffer();
        if (jpeg.length <= maxBytes) {
          this.stats.encoded++;
          return { jpeg, width: size.width, height: size.height, sourceWidth: width, sourceHeight: height, quality };
        }
        if (quality <= MIN_QUALITY) {
          throw new LookoutError('telemetry', 'SAMPLE_TOO_LARGE', `sample JPEG is ${jpeg.length} bytes at quality ${quality}, over the ${maxBytes}-byte limit`, {
            where: `jpeg quality ${quality}`,
          });
        }
      }
    } catch (e) {
      if (e instanceof LookoutError) throw e;
      throw new LookoutError('image', 'SAMPLE_ENCODE_FAILED', `sample JPEG encoding failed: ${e instanceof Error ? e.message : String(e)}`, {
        where: 'sharp',
        cause: e,
      });
    }
  }

  private async toRgb(width: number, height: number): Promise<void> {
    if (this.rgb.length !== width * height * 3) this.rgb = new Uint8Array(width * height * 3);
    this.band = await i420ToRgbInSlices(this.i420, width, height, this.rgb, { slicePixels: SLICE_PIXELS, scratch: this.band });
  }
}
