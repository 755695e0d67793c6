/**
 * A video file (or any input ffmpeg can open, such as an RTSP URL) played as a camera: ffmpeg decodes, scales
 * to the configured size and writes raw I420 to stdout, through the same capture machinery as a camera.
 */
import { stat } from 'node:fs/promises';
import { LookoutError } from '../../errors.ts';
import { captureSettings, field, requireFps, requireSize } from './camera-options.ts';
import type { CaptureDeps } from './capture-deps.ts';
import { CaptureProcessSource } from './capture-process.ts';
import type { CaptureSettings } from './capture-settings.ts';
import type { FrameSource } from './frame-source.ts';
import { tightI420Layout } from './i420-layout.ts';
import { FFMPEG } from './v4l2.ts';

/**
 * `native`: the input's own frame rate in real time; a number: that many frames per second in real time;
 * `max`: as fast as ffmpeg decodes (benchmarks, evaluation).
 */
export type PlaybackRate = 'native' | 'max' | number;

export interface FileVideoOptions {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly rate: PlaybackRate;
  /** Start over at the end instead of ending the source. */
  readonly loop: boolean;
  readonly settings?: Partial<CaptureSettings>;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:\/\//i;

/**
 * Argument list per the ffmpeg documentation (ffmpeg "Main options": -re and -stream_loop are input options,
 * -r an output option). `-re` paces reading at the input's rate; with `-r N` ffmpeg then drops or repeats
 * frames to N per second. `-an -sn`: only the video stream is decoded.
 */
export function fileVideoArgs(o: FileVideoOptions): string[] {
  const args = ['-hide_banner', '-loglevel', 'warning', '-nostdin'];
  if (o.rate !== 'max') args.push('-re');
  if (o.loop) args.push('-stream_loop', '-1');
  args.push('-i', o.path, '-an', '-sn', '-vf', `scale=${o.width}:${o.height}`);
  if (typeof o.rate === 'number') args.push('-r', String(o.rate));
  args.push('-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1');
  return args;
}

export async function createFileVideoSource(o: FileVideoOptions, deps: CaptureDeps): Promise<FrameSource> {
  requireSize(o.width, o.height);
  if (typeof o.rate === 'number') requireFps(o.rate, 'rate');
  if (!URL_SCHEME.test(o.path)) {
    const info = await stat(o.path).catch((e: unknown) => {
      throw new LookoutError('camera', 'VIDEO_NOT_FOUND', `cannot open video file: ${e instanceof Error ? e.message : String(e)}`, {
        where: o.path,
        cause: e,
      });
    });
    if (!info.isFile()) {
      throw new LookoutError('config', 'CAMERA_BAD_OPTION', 'path is neither a video file nor an image folder', { where: field('path') });
    }
  }
  return new CaptureProcessSource(
    {
      name: `file:${o.path}`,
      command: { candidates: [FFMPEG], args: fileVideoArgs(o) },
      layout: tightI420Layout(o.width, o.height),
      settings: captureSettings(o.settings),
      endOnCleanExit: !o.loop,
    },
    deps,
  );
}
