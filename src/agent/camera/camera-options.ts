/**
 * Checks shared by the adapters' options. The config schema validates types; these are the camera-specific
 * rules it cannot know (a tool's reserved flags, even sizes), each naming the config field at fault.
 */
import { LookoutError } from '../../errors.ts';
import { defaultCaptureSettings, type CaptureSettings } from './capture-settings.ts';

/** Where a camera option lives in the agent config, for error messages. */
export function field(name: string): string {
  return `camera.${name}`;
}

export function requirePositiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `${name} must be a positive integer, got ${value}`, { where: field(name) });
  }
  return value;
}

export function requireSize(width: number, height: number, prefix = ''): void {
  const w = prefix === '' ? 'width' : `${prefix}Width`;
  const h = prefix === '' ? 'height' : `${prefix}Height`;
  requirePositiveInt(width, w);
  requirePositiveInt(height, h);
  // The largest frame any supported sensor delivers is far below this; the cap catches typos (width: 40960).
  if (width > 8192 || height > 8192) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `frame size ${width}x${height} is larger than 8192x8192`, { where: field(w) });
  }
}

export function requireFps(fps: number, name = 'fps'): number {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) {
    throw new LookoutError('config', 'CAMERA_BAD_OPTION', `${name} must be a number of frames per second in (0, 1000], got ${fps}`, {
      where: field(name),
    });
  }
  return fps;
}

/** Refuses extra arguments that would change what the adapter relies on (output, size, format). */
export function requireNoReserved(extraArgs: readonly string[], reserved: readonly string[], name = 'extraArgs'): void {
  extraArgs.forEach((arg, i) => {
    const flag = arg.split('=')[0] ?? arg;
    if (reserved.includes(flag)) {
      throw new LookoutError('config', 'CAMERA_RESERVED_ARG', `${arg} is set by the adapter and cannot be overridden`, {
        where: `${field(name)}[${i}]`,
      });
    }
  });
}

export function captureSettings(overrides: Partial<CaptureSettings> = {}): CaptureSettings {
  const settings = { ...defaultCaptureSettings, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    const ok = name === 'maxRestarts' ? Number.isInteger(value) && value >= 0 : Number.isFinite(value) && value > 0;
    if (!ok) {
      throw new LookoutError('config', 'CAMERA_BAD_OPTION', `${name} must be ${name === 'maxRestarts' ? 'a non-negative integer' : 'positive'}, got ${value}`, {
        where: field(name),
      });
    }
  }
  return settings;
}
