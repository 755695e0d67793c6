/**
 * Raspberry Pi throttling state from `vcgencmd get_throttled`, which prints `throttled=0x50005`: a bit field
 * whose low bits are the current state and bits 16-19 what has happened since boot (Raspberry Pi
 * documentation, "vcgencmd" → get_throttled). Boards without the tool (Jetson, PCs, containers) report null:
 * the tool is probed once, and a first failure stops all further tries.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { errorMessage, LookoutError } from '../../../errors.ts';
import { silentLogger, type Logger } from '../../../log.ts';
import { type SpawnFn } from '../../camera/capture-deps.ts';
import { systemTimers, type Timers } from '../../../util/timers.ts';

/** Bit meanings of get_throttled (Raspberry Pi documentation). */
export const THROTTLE_BITS = {
  underVoltage: 1 << 0,
  armFrequencyCapped: 1 << 1,
  throttled: 1 << 2,
  softTempLimit: 1 << 3,
  underVoltageOccurred: 1 << 16,
  armFrequencyCappedOccurred: 1 << 17,
  throttledOccurred: 1 << 18,
  softTempLimitOccurred: 1 << 19,
} as const;

export type ThrottleFlag = keyof typeof THROTTLE_BITS;

/** The names of the bits set in `bits`, for logs and the doctor. */
export function throttleFlags(bits: number): ThrottleFlag[] {
  return (Object.keys(THROTTLE_BITS) as ThrottleFlag[]).filter((flag) => (bits & THROTTLE_BITS[flag]) !== 0);
}

/** Parses the tool's stdout; a LookoutError names the text at fault when it is not `throttled=0x<hex>`. */
export function parseThrottled(stdout: string): number {
  const text = stdout.trim();
  const match = /^throttled=0x([0-9a-fA-F]{1,8})$/.exec(text);
  if (match === null) {
    throw new LookoutError('telemetry', 'THROTTLED_UNPARSABLE', `vcgencmd get_throttled printed ${JSON.stringify(text.slice(0, 80))}, expected throttled=0x<hex>`, {
      where: 'vcgencmd get_throttled stdout',
    });
  }
  return Number.parseInt(match[1]!, 16);
}

export interface ThrottleProbeDeps {
  readonly spawn?: SpawnFn;
  /** Environment of the tool; its PATH is where `vcgencmd` is looked for. Undefined: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly timers?: Timers;
  readonly logger?: Logger;
  readonly timeoutMs?: number;
  readonly command?: string;
}

/** Output past this is not the one line we want. */
const MAX_STDOUT = 256;

type ProbeState = 'unknown' | 'present' | 'absent';

export class ThrottleProbe {
  private readonly spawn: SpawnFn;
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly command: string;
  private state: ProbeState = 'unknown';
  private spawned = 0;

  constructor(deps: ThrottleProbeDeps = {}) {
    this.spawn = deps.spawn ?? ((command, args, options) => nodeSpawn(command, args, options));
    this.env = deps.env;
    this.timers = deps.timers ?? systemTimers;
    this.logger = deps.logger ?? silentLogger;
    this.timeoutMs = deps.timeoutMs ?? 2000;
    this.command = deps.command ?? 'vcgencmd';
  }

  /** How many times the tool was started (a board without it: at most once). */
  get runs(): number {
    return this.spawned;
  }

  /** False once the first probe failed: the tool is not there (or does not work on this board). */
  get available(): boolean {
    return this.state !== 'absent';
  }

  /** The throttled bits now, or null where the tool is absent or this read failed. */
  async read(): Promise<number | null> {
    if (this.state === 'absent') return null;
    try {
      const bits = parseThrottled(await this.run());
      this.state = 'present';
      return bits;
    } catch (e) {
      if (this.state === 'unknown') {
        this.state = 'absent';
        this.logger.debug({ err: errorMessage(e) }, 'vcgencmd get_throttled unavailable: throttling not reported');
      } else {
        // It worked before: a passing failure (the firmware mailbox busy); try again next interval.
        this.logger.warn({ err: errorMessage(e) }, 'vcgencmd get_throttled failed');
      }
      return null;
    }
  }

  private run(): Promise<string> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      this.spawned++;
      try {
        child = this.spawn(this.command, ['get_throttled'], { stdio: ['ignore', 'pipe', 'ignore'], env: this.env });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      let stdout = '';
      let settled = false;
      const finish = (error: Error | undefined): void => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        if (error === undefined) resolve(stdout);
        else reject(error);
      };
      const timer = this.timers.setTimeout(() => {
        child.kill('SIGKILL');
        finish(new LookoutError('telemetry', 'THROTTLED_TIMEOUT', `${this.command} get_throttled gave no answer in ${this.timeoutMs} ms`, { where: this.command }));
      }, this.timeoutMs);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (stdout.length < MAX_STDOUT) stdout += chunk;
      });
      // ENOENT arrives here when the tool is not on PATH.
      child.on('error', (e) => {
        finish(e);
      });
      child.on('close', (code, signal) => {
        finish(code === 0 ? undefined : new LookoutError('telemetry', 'THROTTLED_TOOL_FAILED', `${this.command} get_throttled ended with ${signal ?? `exit ${code ?? '?'}`}`, { where: this.command }));
      });
    });
  }
}
