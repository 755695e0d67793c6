/**
 * Helpers for the camera tests: the stand-in tools' PATH and pattern, a recording logger, frame collection.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { captureDeps, type CaptureDeps } from '../../../src/agent/camera/capture-deps.ts';
import type { CaptureSettings } from '../../../src/agent/camera/capture-settings.ts';
import type { Frame } from '../../../src/agent/camera/frame.ts';
import type { FrameSource } from '../../../src/agent/camera/frame-source.ts';
import type { Logger } from '../../../src/log.ts';

export const standInBin = fileURLToPath(new URL('../../fixtures/camera/bin', import.meta.url));

/** Small timings so restart scenarios take well under a second each. */
export const fastSettings: Partial<CaptureSettings> = {
  stallMs: 300,
  firstFrameMs: 3000,
  backoffInitialMs: 40,
  backoffMaxMs: 160,
  killGraceMs: 800,
  healthyMs: 60_000,
  maxRestarts: 3,
};

/** An environment whose PATH starts with `bin` (the stand-ins by default) and still finds node. */
export function standInEnv(vars: Record<string, string>, bin = standInBin): NodeJS.ProcessEnv {
  return { PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'), ...vars };
}

export interface LogLine {
  readonly level: string;
  readonly obj: object | string;
  readonly msg: string | undefined;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

export function testDeps(env: NodeJS.ProcessEnv, logger: Logger = recordingLogger()): CaptureDeps {
  return captureDeps({ env, logger });
}

/** The stand-ins' frame k (test/fixtures/camera/stand-in/common.mjs patternI420), computed independently. */
export function expectedPattern(width: number, height: number, k: number): Uint8Array {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const out = new Uint8Array(width * height + 2 * cw * ch);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = (x + 3 * y + 5 * k) % 256;
  const u = width * height;
  const v = u + cw * ch;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      out[u + y * cw + x] = (2 * x + y + 7 * k + 64) % 256;
      out[v + y * cw + x] = (x + 2 * y + 11 * k + 128) % 256;
    }
  }
  return out;
}

/** Index of the stand-in pattern frame this is (its luma at (0,0) is 5k mod 256), for streams that restart. */
export function patternIndex(frame: Frame): number {
  return frame.data[0]! / 5;
}

export interface Collected {
  readonly frames: Frame[];
  /** Copies of the frame data (the originals go back to the pool). */
  readonly copies: Uint8Array[];
}

/**
 * Starts the source and keeps copies of every frame, releasing each buffer as a pipeline would. The source is
 * stopped after the test whatever happens, so a failed assertion never leaves a stand-in running.
 */
export async function startCollecting(source: FrameSource): Promise<Collected> {
  const collected: Collected = { frames: [], copies: [] };
  after(() => source.stop());
  await source.start((frame) => {
    collected.frames.push(frame);
    collected.copies.push(frame.data.slice());
    source.release(frame.data);
  });
  return collected;
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A fresh temporary folder, removed after the test. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lookout-${prefix}-`));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunRecord {
  readonly tool: string;
  readonly argv: string[];
  readonly pid: number;
}

export async function readRuns(logFile: string): Promise<RunRecord[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RunRecord);
}

/** True when no such process is left (a zombie waiting for a reaper counts as gone: it holds no device). */
export async function processGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

/** Runs the real ffmpeg and returns its stdout. */
export function ffmpeg(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { encoding: 'buffer', maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new Error(`ffmpeg ${args.join(' ')}: ${stderr.toString()}`, { cause: err }));
    });
  });
}

/** Largest and mean absolute difference of two equal-length byte arrays. */
export function difference(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}
