/**
 * Raspberry Pi cameras through rpicam-apps: `rpicam-vid` streaming raw YUV420 to stdout. The ISP scales to the
 * requested size, so asking for the model's input size costs the CPU nothing.
 * Before Raspberry Pi OS bookworm the tool was called `libcamera-vid` (same options); it is the fallback.
 */
import { readFile } from 'node:fs/promises';
import { LookoutError } from '../../errors.ts';
import { field, captureSettings, requireFps, requireNoReserved, requireSize } from './camera-options.ts';
import type { CaptureDeps } from './capture-deps.ts';
import { CaptureProcessSource } from './capture-process.ts';
import type { CaptureSettings } from './capture-settings.ts';
import type { FrameSource } from './frame-source.ts';
import { rpicamI420Layout, type RpiIsp } from './i420-layout.ts';

export const LIBCAMERA_TOOLS = ['rpicam-vid', 'libcamera-vid'] as const;

export interface LibcameraOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** `--camera N`: which camera on boards with two (Pi 5, Compute Modules). */
  readonly camera?: number;
  /** Passed through after the adapter's own arguments (e.g. `--awb`, `--shutter`, `--hflip`). */
  readonly extraArgs?: readonly string[];
  /** The ISP decides the row padding; `auto` reads the board from the device tree. */
  readonly isp?: RpiIsp | 'auto';
  /** Luma stride in bytes, for a libcamera whose alignment differs from the known ones. */
  readonly stride?: number;
  readonly settings?: Partial<CaptureSettings>;
}

/** Flags the adapter sets itself; overriding them would break frame parsing. */
const RESERVED = ['-t', '--timeout', '-n', '--nopreview', '--codec', '--width', '--height', '--framerate', '--flush', '-o', '--output', '--camera', '--libav-format', '--segment', '--inline'];

/** Argument list per rpicam-apps core/options.cpp and core/video_options.hpp; `-t 0` runs until killed. */
export function libcameraArgs(o: LibcameraOptions): string[] {
  const args = ['-t', '0', '-n', '--codec', 'yuv420', '--width', String(o.width), '--height', String(o.height), '--framerate', String(o.fps), '--flush', '-o', '-'];
  if (o.camera !== undefined) args.push('--camera', String(o.camera));
  args.push(...(o.extraArgs ?? []));
  return args;
}

/**
 * Pi 5 (BCM2712) has the PiSP back end; every earlier Pi the VideoCore ISP. The root `compatible` property
 * of the device tree names the SoC ("raspberrypi,5-model-b\0brcm,bcm2712\0").
 */
export async function detectRpiIsp(read: (path: string) => Promise<Uint8Array> = readFile): Promise<RpiIsp> {
  try {
    const compatible = Buffer.from(await read('/proc/device-tree/compatible')).toString('latin1');
    return compatible.split('\0').includes('brcm,bcm2712') ? 'pisp' : 'vc4';
  } catch (e) {
    throw new LookoutError('camera', 'ISP_UNKNOWN', 'cannot tell the Raspberry Pi model from /proc/device-tree/compatible; set camera.isp', {
      where: field('isp'),
      cause: e,
    });
  }
}

export async function createLibcameraSource(
  o: LibcameraOptions,
  deps: CaptureDeps,
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<FrameSource> {
  requireSize(o.width, o.height);
  requireFps(o.fps);
  if (o.camera !== undefined && (!Number.isInteger(o.camera) || o.camera < 0)) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `camera must be a camera index (0, 1, ...), got ${o.camera}`, { where: field('camera') });
  }
  requireNoReserved(o.extraArgs ?? [], RESERVED);
  const isp = o.isp === undefined || o.isp === 'auto' ? await detectRpiIsp(read) : o.isp;
  return new CaptureProcessSource(
    {
      name: `libcamera:${o.camera ?? 0}`,
      command: { candidates: LIBCAMERA_TOOLS, args: libcameraArgs(o) },
      layout: rpicamI420Layout(o.width, o.height, isp, o.stride),
      settings: captureSettings(o.settings),
      endOnCleanExit: false,
    },
    deps,
  );
}
