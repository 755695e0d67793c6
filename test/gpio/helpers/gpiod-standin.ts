/**
 * Wiring for the stand-in libgpiod tools (test/fixtures/gpio/bin-v1, bin-v2): a private state file, the env
 * the stand-ins read, spawn functions that pass it, and a reader for the line values they recorded.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Level } from '../../../src/agent/gpio/actuator.ts';
import type { GpiodActuatorDeps } from '../../../src/agent/gpio/gpiod-actuator.ts';

export const GPIO_FIXTURES = resolve(import.meta.dirname, '../../fixtures/gpio');

export interface StandinOptions {
  readonly major: 1 | 2;
  /** Fixture prefix: rpi5 (v1 and v2 dumps) or rpi4 (v1). */
  readonly board: 'rpi5' | 'rpi4';
  /** v2 only: a gpioset built with interactive mode (the default here) or without. */
  readonly interactive?: boolean;
}

export interface StandinLine {
  readonly level: Level | null;
  readonly held: boolean;
  readonly consumer: string | null;
}

interface StateFile {
  lines: Record<string, { value: Level; held: boolean; consumer: string; pid: number } | undefined>;
  history: { event: string; line: string; value: Level; pid: number }[];
}

/** Alive and not a zombie: a dead process's lines are free even before its parent reaps it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

export class GpiodStandin {
  readonly dir = mkdtempSync(join(tmpdir(), 'lookout-gpiod-'));
  readonly statePath = join(this.dir, 'state.json');
  readonly env: NodeJS.ProcessEnv;
  readonly bin: string;

  constructor(readonly options: StandinOptions) {
    this.bin = join(GPIO_FIXTURES, `bin-v${options.major}`);
    this.env = {
      ...process.env,
      GPIO_STANDIN_BOARD: join(GPIO_FIXTURES, options.board),
      GPIO_STANDIN_STATE: this.statePath,
      GPIO_STANDIN_NO_INTERACTIVE: options.interactive === false ? '1' : '0',
    };
  }

  /** The backend's injectable process functions and tool paths, pointed at the stand-ins. */
  deps(): Pick<GpiodActuatorDeps, 'spawn' | 'spawnSync' | 'tools'> {
    const env = this.env;
    return {
      spawn: (command, args, options) => spawn(command, args, { ...options, env }),
      spawnSync: (command, args, options) => spawnSync(command, args, { ...options, env }),
      tools: { gpioset: join(this.bin, 'gpioset'), gpiodetect: join(this.bin, 'gpiodetect'), gpioinfo: join(this.bin, 'gpioinfo') },
    };
  }

  private read(): StateFile {
    try {
      return JSON.parse(readFileSync(this.statePath, 'utf8')) as StateFile;
    } catch {
      return { lines: {}, history: [] };
    }
  }

  /** The level the stand-in drove on a line, and whether a live gpioset holds it. */
  line(chip: string, offset: number): StandinLine {
    const entry = this.read().lines[`${chip}:${offset}`];
    if (entry === undefined) return { level: null, held: false, consumer: null };
    return { level: entry.value, held: entry.held && alive(entry.pid), consumer: entry.consumer };
  }

  /** Every request/set/release the stand-ins recorded, in order. */
  history(): StateFile['history'] {
    return this.read().history;
  }

  /** Runs a stand-in tool to completion (for fixture checks and for occupying lines). */
  run(tool: 'gpioset' | 'gpiodetect' | 'gpioinfo', args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(join(this.bin, tool), args, { env: this.env, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
