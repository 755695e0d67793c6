/**
 * USB (UVC) cameras through ffmpeg's video4linux2 input, converted to raw I420 on stdout.
 * ffmpeg writes `-f rawvideo -pix_fmt yuv420p` frames tightly packed, so no padding is stripped here.
 */
import { LookoutError } from '../../errors.ts';
import { captureSettings, field, requireFps, requireSize } from './camera-options.ts';
import type { CaptureDeps } from './capture-deps.ts';
import { CaptureProcessSource } from './capture-process.ts';
import type { CaptureSettings } from './capture-settings.ts';
import type { FrameSource } from './frame-source.ts';
import { tightI420Layout } from './i420-layout.ts';

/** What the camera sends over USB: MJPEG (most UVC cameras above 640x480 at 30 fps) or raw YUYV. */
export type V4l2InputFormat = 'mjpeg' | 'yuyv422';

export interface V4l2Options {
  /** Video device node, e.g. /dev/video0 or a stable /dev/v4l/by-id/... link. */
  readonly device: string;
  /** Frame size delivered to the pipeline. */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Unset: let the driver choose (ffmpeg's default). */
  readonly inputFormat?: V4l2InputFormat;
  /** Size asked of the camera when it differs from the delivered size (ffmpeg then scales). */
  readonly captureWidth?: number;
  readonly captureHeight?: number;
  readonly settings?: Partial<CaptureSettings>;
}

export const FFMPEG = 'ffmpeg';

/**
 * Argument list per the ffmpeg documentation (ffmpeg-devices "video4linux2, v4l2": -input_format, -framerate,
 * -video_size; ffmpeg-formats "rawvideo"). `-nostdin` keeps ffmpeg from reading its console for commands.
 */
export function v4l2Args(o: V4l2Options): string[] {
  const cw = o.captureWidth ?? o.width;
  const ch = o.captureHeight ?? o.height;
  const args = ['-hide_banner', '-loglevel', 'warning', '-nostdin', '-f', 'v4l2'];
  if (o.inputFormat !== undefined) args.push('-input_format', o.inputFormat);
  args.push('-framerate', String(o.fps), '-video_size', `${cw}x${ch}`, '-i', o.device);
  if (cw !== o.width || ch !== o.height) args.push('-vf', `scale=${o.width}:${o.height}`);
  args.push('-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1');
  return args;
}

export function createV4l2Source(o: V4l2Options, deps: CaptureDeps): FrameSource {
  requireSize(o.width, o.height);
  if (o.captureWidth !== undefined || o.captureHeight !== undefined) {
    requireSize(o.captureWidth ?? o.width, o.captureHeight ?? o.height, 'capture');
  }
  requireFps(o.fps);
  if (!o.device.startsWith('/dev/')) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `device must be a device node under /dev, got "${o.device}"`, { where: field('device') });
  }
  return new CaptureProcessSource(
    {
      name: `v4l2:${o.device}`,
      command: { candidates: [FFMPEG], args: v4l2Args(o) },
      layout: tightI420Layout(o.width, o.height),
      settings: captureSettings(o.settings),
      endOnCleanExit: false,
    },
    deps,
  );
}
