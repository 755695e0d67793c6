/**
 * What the installed libgpiod tools are and what they see: version (v1 and v2 differ in syntax), whether v2
 * gpioset has its interactive mode (a build option, --enable-gpioset-interactive, off by default), and every
 * chip with its lines.
 */
import { LookoutError } from '../../errors.ts';
import { parseGpiodetect, parseGpioinfo, parseToolVersion, type GpiodVersion } from './gpiod-output.ts';
import type { GpioChipInfo, GpioLineInfo } from './line-resolver.ts';
import { runToolOk, type SpawnFn } from './tool-process.ts';

export interface GpiodToolPaths {
  readonly gpioset: string;
  readonly gpiodetect: string;
  readonly gpioinfo: string;
}

export const DEFAULT_TOOL_PATHS: GpiodToolPaths = { gpioset: 'gpioset', gpiodetect: 'gpiodetect', gpioinfo: 'gpioinfo' };

export interface GpiodProbe {
  readonly version: GpiodVersion;
  /** v1 syntax (1.x) or v2 syntax (2.x and later). */
  readonly major: 1 | 2;
  /** v2 gpioset accepts -i/--interactive. */
  readonly interactive: boolean;
  readonly chips: readonly GpioChipInfo[];
}

export async function probeGpiod(spawn: SpawnFn, tools: GpiodToolPaths, timeoutMs: number): Promise<GpiodProbe> {
  const version = parseToolVersion(await runToolOk(spawn, tools.gpioset, ['--version'], timeoutMs), tools.gpioset);
  const major = version.major >= 2 ? 2 : 1;
  const interactive =
    major === 2 && /--interactive\b/.test(await runToolOk(spawn, tools.gpioset, ['--help'], timeoutMs));
  const detected = parseGpiodetect(await runToolOk(spawn, tools.gpiodetect, [], timeoutMs));
  // gpioinfo without arguments lists every chip, in both versions.
  const listed = detected.length === 0 ? [] : parseGpioinfo(await runToolOk(spawn, tools.gpioinfo, [], timeoutMs), major);
  const chips = detected.map((chip) => {
    const lines = listed.find((l) => l.name === chip.name);
    if (lines === undefined) {
      throw new LookoutError('gpio', 'BAD_TOOL_OUTPUT', `gpioinfo did not list ${chip.name} [${chip.label}] that gpiodetect found`, {
        where: 'gpioinfo output',
      });
    }
    return { ...chip, lines: lines.lines };
  });
  return { version, major, interactive, chips };
}

/** The current state of one chip's lines (`gpioinfo CHIP` in v1, `gpioinfo -c CHIP` in v2). */
export async function readChipLines(
  spawn: SpawnFn,
  tools: GpiodToolPaths,
  major: 1 | 2,
  chip: string,
  timeoutMs: number,
): Promise<readonly GpioLineInfo[]> {
  const args = major === 1 ? [chip] : ['-c', chip];
  const listed = parseGpioinfo(await runToolOk(spawn, tools.gpioinfo, args, timeoutMs), major);
  return listed.find((l) => l.name === chip)?.lines ?? [];
}
