/**
 * Setting lines synchronously, for exit paths where only sync code runs: signal the process holding the chip
 * (a kill is synchronous), then run a gpioset that sets the values and exits, retrying while the old process
 * has not yet let go of the lines (EBUSY). The lines end released; their level is then up to the kernel driver
 * (the Raspberry Pi's pinctrl keeps an output's level). The agent is exiting anyway, and its gpioset would
 * release the lines when it does.
 */
import type { Level } from './actuator.ts';
import { assignments } from './chip-holder.ts';
import { toolFailure, type SpawnSyncFn } from './tool-process.ts';

const ATTEMPTS = 40;
const RETRY_MS = 5;

export interface OneShotOptions {
  readonly major: 1 | 2;
  readonly spawnSync: SpawnSyncFn;
  readonly gpioset: string;
  readonly chip: string;
  readonly consumer: string;
  readonly timeoutMs: number;
}

export function setLinesOnceSync(options: OneShotOptions, levels: ReadonlyMap<number, Level>): void {
  const { major, spawnSync, gpioset, chip, consumer, timeoutMs } = options;
  // v1: the default --mode=exit sets and exits. v2: "--toggle 0" sets, skips toggling and exits (tools/gpioset.c).
  const args =
    major === 1 ? [chip, ...assignments(levels)] : ['--chip', chip, '--consumer', consumer, '--toggle', '0', ...assignments(levels)];
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(gpioset, args, { encoding: 'utf8', timeout: timeoutMs });
    if (result.status === 0) return;
    const error = toolFailure(gpioset, args, { code: result.status, signal: result.signal, stderr: result.stderr });
    if (error.code !== 'LINE_BUSY' || attempt >= ATTEMPTS) throw error;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
  }
}
