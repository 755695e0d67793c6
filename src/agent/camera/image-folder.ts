/**
 * A folder of still images played as a camera: each image is decoded with sharp to RGB at the configured size,
 * converted to I420 (i420.ts) and delivered at a set rate or as fast as possible, looping or ending.
 * Images are read in natural name order (frame2 before frame10).
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LookoutError, errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { field, requireFps, requireSize } from './camera-options.ts';
import { type CaptureDeps } from './capture-deps.ts';
import { cancellableSleep } from '../../util/timers.ts';
import { ConsumerGuard } from './consumer-guard.ts';
import type { Frame } from './frame.ts';
import { FramePool } from './frame-pool.ts';
import type { FrameSource, FrameSourceEventName, FrameSourceEvents, FrameSourceStats } from './frame-source.ts';
import { frameByteLength } from './frame.ts';
import { rgbToI420 } from './i420.ts';
import { SourceEvents } from './source-events.ts';

/** How an image of another aspect ratio is brought to the frame size (sharp's `fit`). */
export type ImageFit = 'fill' | 'cover' | 'contain';

export interface ImageFolderOptions {
  readonly folder: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second, or `max` for as fast as decoding goes. */
  readonly rate: number | 'max';
  readonly loop: boolean;
  readonly fit?: ImageFit;
  readonly poolSize?: number;
}

/** Decodes one image to packed RGB24 of exactly width x height. */
export type RgbDecoder = (path: string, width: number, height: number, fit: ImageFit) => Promise<Uint8Array>;

export type ImageFolderDeps = Pick<CaptureDeps, 'clock' | 'timers' | 'logger'> & { readonly decode?: RgbDecoder };

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);

/** The default decoder; sharp is loaded on first use, so agents with a real camera never load it. */
export const decodeWithSharp: RgbDecoder = async (path, width, height, fit) => {
  const { default: sharp } = await import('sharp');
  // rotate(): honour EXIF orientation; toColourspace + removeAlpha: greyscale and RGBA become RGB24.
  const { data, info } = await sharp(path)
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .resize(width, height, { fit, background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new LookoutError('image', 'IMAGE_DECODE_FAILED', `decoded to ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`, {
      where: path,
    });
  }
  return data;
};

/** Lists the folder's images in natural order; a missing or empty folder is a LookoutError naming it. */
export async function listImages(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch((e: unknown) => {
    throw new LookoutError('camera', 'IMAGE_FOLDER_NOT_FOUND', `cannot read image folder: ${errorMessage(e)}`, { where: folder, cause: e });
  });
  const images = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase()));
  if (images.length === 0) {
    throw new LookoutError('camera', 'NO_IMAGES', `no ${[...IMAGE_EXTENSIONS].join('/')} images in the folder`, { where: folder });
  }
  images.sort(new Intl.Collator('en', { numeric: true }).compare);
  return images.map((n) => join(folder, n));
}

export class ImageFolderSource implements FrameSource {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  private readonly log: Logger;
  private readonly events: SourceEvents;
  private readonly pool: FramePool;
  private readonly decode: RgbDecoder;
  private readonly guard: ConsumerGuard;
  private files: string[] = [];
  private generation = 0;
  private playing: Promise<void> | undefined;
  private sleep: { cancel: () => void } | undefined;
  private started = false;
  private onFrame: ((frame: Frame) => void) | undefined;
  private seq = 0;
  private captured = 0;
  private restarts = 0;
  private lastFrameAt: number | null = null;

  constructor(
    private readonly options: ImageFolderOptions,
    private readonly deps: ImageFolderDeps,
  ) {
    this.name = `images:${options.folder}`;
    this.width = options.width;
    this.height = options.height;
    this.log = deps.logger.child({ module: 'camera', source: this.name });
    this.events = new SourceEvents(this.log);
    this.pool = new FramePool(frameByteLength('i420', options.width, options.height), options.poolSize ?? 4);
    this.decode = deps.decode ?? decodeWithSharp;
    this.guard = new ConsumerGuard(this.log);
  }

  get stats(): FrameSourceStats {
    return { captured: this.captured, restarts: this.restarts, shortReads: 0, lastFrameAt: this.lastFrameAt, poolMisses: this.pool.stats.misses };
  }

  on<E extends FrameSourceEventName>(event: E, listener: (e: FrameSourceEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  release(data: Uint8Array): void {
    this.pool.release(data);
  }

  async start(onFrame: (frame: Frame) => void): Promise<void> {
    if (this.started) {
      throw new LookoutError('camera', 'CAMERA_ALREADY_STARTED', `${this.name} is already started`, { where: this.name });
    }
    this.files = await listImages(this.options.folder);
    this.started = true;
    this.pool.prefill();
    this.play(onFrame);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.halt();
  }

  async restart(reason: string): Promise<void> {
    if (!this.started) {
      throw new LookoutError('camera', 'CAMERA_NOT_STARTED', `${this.name} is not started`, { where: this.name });
    }
    const onFrame = this.onFrame;
    await this.halt();
    this.files = await listImages(this.options.folder);
    this.restarts++;
    if (onFrame !== undefined) this.play(onFrame);
    this.events.emit('restarted', { reason, failures: 0, backoffMs: 0 });
  }

  private play(onFrame: (frame: Frame) => void): void {
    this.onFrame = onFrame;
    const generation = ++this.generation;
    this.playing = this.loop(generation, onFrame).catch((e: unknown) => {
      this.log.error({ err: errorMessage(e) }, 'image playback failed');
    });
  }

  private async halt(): Promise<void> {
    this.generation++;
    this.sleep?.cancel();
    await this.playing;
    this.playing = undefined;
  }

  private async loop(generation: number, onFrame: (frame: Frame) => void): Promise<void> {
    const period = this.options.rate === 'max' ? 0 : 1000 / this.options.rate;
    const failed = new Set<string>();
    let due = this.deps.clock.monoMs();
    let delivered = 0;
    for (let i = 0; ; i++) {
      if (i === this.files.length) {
        if (!this.options.loop) {
          this.events.emit('ended', { frames: delivered });
          return;
        }
        if (failed.size === this.files.length) {
          this.events.emit('lost', { reason: 'no image in the folder could be decoded', restarts: 0 });
          return;
        }
        i = 0;
      }
      const file = this.files[i]!;
      const data = this.pool.acquire();
      try {
        rgbToI420(await this.decode(file, this.width, this.height, this.options.fit ?? 'fill'), this.width, this.height, data);
      } catch (e) {
        this.pool.release(data);
        if (!failed.has(file)) this.log.warn({ file, err: errorMessage(e) }, 'image skipped: cannot decode');
        failed.add(file);
        if (generation !== this.generation) return;
        continue;
      }
      // Decode first, then wait for the frame's slot, so the spacing of frames does not depend on decode time.
      due += period;
      const wait = due - this.deps.clock.monoMs();
      const sleep = cancellableSleep(this.deps.timers, Math.max(0, wait));
      this.sleep = sleep;
      await sleep.done;
      this.sleep = undefined;
      if (generation !== this.generation) {
        this.pool.release(data);
        return;
      }
      // Behind schedule (slow decode): restart the schedule from now rather than bursting to catch up.
      if (wait < -period) due = this.deps.clock.monoMs();
      const capturedAt = this.deps.clock.monoMs();
      this.captured++;
      delivered++;
      this.lastFrameAt = capturedAt;
      this.guard.deliver(onFrame, { data, width: this.width, height: this.height, format: 'i420', capturedAt, seq: this.seq++ });
    }
  }
}

export async function createImageFolderSource(o: ImageFolderOptions, deps: ImageFolderDeps): Promise<FrameSource> {
  requireSize(o.width, o.height);
  if (o.rate !== 'max') requireFps(o.rate, 'rate');
  const info = await stat(o.folder).catch((e: unknown) => {
    throw new LookoutError('camera', 'IMAGE_FOLDER_NOT_FOUND', `cannot read image folder: ${errorMessage(e)}`, { where: o.folder, cause: e });
  });
  if (!info.isDirectory()) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', 'not a folder', { where: field('path') });
  }
  return new ImageFolderSource(o, deps);
}
