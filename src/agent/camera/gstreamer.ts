/**
 * Jetson CSI cameras through GStreamer: nvarguscamerasrc (the Argus ISP) -> nvvidconv (VIC copy/scale out of
 * NVMM memory) -> I420 in system memory -> fdsink on stdout.
 */
import { LookoutError } from '../../errors.ts';
import { captureSettings, field, requireFps, requireSize } from './camera-options.ts';
import type { CaptureDeps } from './capture-deps.ts';
import { CaptureProcessSource } from './capture-process.ts';
import type { CaptureSettings } from './capture-settings.ts';
import type { FrameSource } from './frame-source.ts';
import { gstreamerI420Layout } from './i420-layout.ts';

export interface GstreamerOptions {
  /** nvarguscamerasrc `sensor-id`: which CSI camera. */
  readonly sensorId?: number;
  /** Frame size delivered to the pipeline. */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Sensor mode size when it differs from the delivered size (nvvidconv then scales on the VIC). */
  readonly captureWidth?: number;
  readonly captureHeight?: number;
  /** nvvidconv `flip-method` (0-7: rotations and mirrors). */
  readonly flipMethod?: number;
  readonly settings?: Partial<CaptureSettings>;
}

export const GST_LAUNCH = 'gst-launch-1.0';

/** A caps framerate is a fraction; 29.97 becomes 2997/100. */
export function gstFraction(fps: number): string {
  if (Number.isInteger(fps)) return `${fps}/1`;
  const den = 100;
  return `${Math.round(fps * den)}/${den}`;
}

/**
 * One argv element per gst-launch token. gst_parse_launchv() (gst/gstparse.c) joins the elements with spaces,
 * escaping spaces inside an element, so caps such as `video/x-raw(memory:NVMM),width=...` stay one element and
 * need no shell quoting. `-q` keeps gst-launch's own messages off stdout, which carries the frames.
 */
export function gstreamerArgs(o: GstreamerOptions): string[] {
  const cw = o.captureWidth ?? o.width;
  const ch = o.captureHeight ?? o.height;
  const convert = o.flipMethod === undefined ? ['nvvidconv'] : ['nvvidconv', `flip-method=${o.flipMethod}`];
  const scaled = cw !== o.width || ch !== o.height;
  const out = scaled ? `video/x-raw,format=I420,width=${o.width},height=${o.height}` : 'video/x-raw,format=I420';
  return [
    '-q',
    'nvarguscamerasrc',
    `sensor-id=${o.sensorId ?? 0}`,
    '!',
    `video/x-raw(memory:NVMM),width=${cw},height=${ch},framerate=${gstFraction(o.fps)}`,
    '!',
    ...convert,
    '!',
    out,
    '!',
    'fdsink',
    'fd=1',
  ];
}

export function createGstreamerSource(o: GstreamerOptions, deps: CaptureDeps): FrameSource {
  requireSize(o.width, o.height);
  if (o.captureWidth !== undefined || o.captureHeight !== undefined) {
    requireSize(o.captureWidth ?? o.width, o.captureHeight ?? o.height, 'capture');
  }
  requireFps(o.fps);
  const sensorId = o.sensorId ?? 0;
  if (!Number.isInteger(sensorId) || sensorId < 0) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `sensorId must be a sensor index (0, 1, ...), got ${sensorId}`, { where: field('sensorId') });
  }
  if (o.flipMethod !== undefined && !(Number.isInteger(o.flipMethod) && o.flipMethod >= 0 && o.flipMethod <= 7)) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `flipMethod must be 0-7, got ${o.flipMethod}`, { where: field('flipMethod') });
  }
  return new CaptureProcessSource(
    {
      name: `gstreamer:${sensorId}`,
      command: { candidates: [GST_LAUNCH], args: gstreamerArgs(o) },
      layout: gstreamerI420Layout(o.width, o.height),
      settings: captureSettings(o.settings),
      endOnCleanExit: false,
    },
    deps,
  );
}
