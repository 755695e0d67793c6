/**
 * A gpioset that cannot take new values while running, restarted with the new values on each change:
 *   - libgpiod v1: `gpioset --mode=signal CHIP OFFSET=V...` holds the lines until SIGTERM;
 *   - libgpiod v2 built without interactive mode: `gpioset --banner --chip CHIP OFFSET=V...` holds them until
 *     a signal and prints "Setting line ..." once they are requested.
 * Between the old process releasing the lines and the new one requesting them there is a window of a few
 * milliseconds in which the kernel owns the lines; on the Raspberry Pi's pinctrl drivers an output keeps its
 * level through it, but libgpiod calls it undefined, which is why v2 interactive mode is preferred.
 * v1 gpioset prints nothing once the lines are set, so the write is confirmed by gpioinfo showing every line
 * held as an output by "gpioset" while our process is still alive.
 * A `--mode=signal` gpioset outlives an agent killed with SIGKILL and keeps holding the last levels; the
 * systemd unit's default KillMode=control-group ends it with the agent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { assignments, sameLevels, type ChipHolder, type OffsetLevels } from './chip-holder.ts';
import type { GpioLineInfo } from './line-resolver.ts';
import { setLinesOnceSync } from './gpioset-once.ts';
import { ToolChild } from './tool-child.ts';
import type { SpawnFn, SpawnSyncFn } from './tool-process.ts';

/** v1 gpioset always requests with this consumer name (gpiod_ctxless_set_value_multiple_ext). */
const V1_CONSUMER = 'gpioset';
const POLL_MS = 5;

export interface RestartingGpiosetOptions {
  readonly flavour: 'v1-signal' | 'v2-banner';
  readonly spawn: SpawnFn;
  readonly spawnSync: SpawnSyncFn;
  readonly gpioset: string;
  readonly chip: string;
  readonly consumer: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** v1 only: the chip's lines as gpioinfo shows them now. */
  readonly readLines: () => Promise<readonly GpioLineInfo[]>;
}

export class RestartingGpioset implements ChipHolder {
  private readonly options: RestartingGpiosetOptions;
  private child: ToolChild | null = null;
  private running: OffsetLevels | null = null;

  constructor(options: RestartingGpiosetOptions) {
    this.options = options;
  }

  start(levels: OffsetLevels): Promise<void> {
    return this.launch(levels);
  }

  async write(levels: OffsetLevels): Promise<void> {
    if (this.child?.alive === true && sameLevels(this.running, levels)) return;
    await this.terminate();
    await this.launch(levels);
  }

  /** Exit paths: see gpioset-once.ts. */
  writeSync(levels: OffsetLevels): void {
    const { flavour, spawnSync, gpioset, chip, consumer, timeoutMs } = this.options;
    this.child?.process.kill('SIGTERM');
    this.child = null;
    this.running = null;
    setLinesOnceSync({ major: flavour === 'v1-signal' ? 1 : 2, spawnSync, gpioset, chip, consumer, timeoutMs }, levels);
  }

  release(): Promise<void> {
    return this.terminate();
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.running = null;
    if (child === null) return;
    // SIGTERM first: v1 --mode=signal releases the lines and exits 0 on it.
    child.process.kill('SIGTERM');
    await child.stop(this.options.timeoutMs);
  }

  private async launch(levels: OffsetLevels): Promise<void> {
    const { flavour, spawn, gpioset, chip, consumer, timeoutMs, logger } = this.options;
    const args =
      flavour === 'v1-signal'
        ? ['--mode=signal', chip, ...assignments(levels)]
        : ['--banner', '--chip', chip, '--consumer', consumer, ...assignments(levels)];
    const child = ToolChild.start(spawn, gpioset, args, logger);
    this.child = child;
    if (flavour === 'v2-banner') {
      await child.expect('...\n', timeoutMs, 'banner after requesting the lines');
    } else {
      await this.confirmHeld(child, [...levels.keys()]);
    }
    this.running = new Map(levels);
  }

  private async confirmHeld(child: ToolChild, offsets: readonly number[]): Promise<void> {
    const { timeoutMs, gpioset, chip } = this.options;
    for (let poll = 0; poll * POLL_MS <= timeoutMs; poll++) {
      // Lines first, then the process: lines held by a gpioset that has since died were not held by ours.
      const lines = await this.options.readLines();
      const held = offsets.every((offset) => {
        const line = lines.find((l) => l.offset === offset);
        return line?.used === true && line.consumer === V1_CONSUMER && line.direction === 'output';
      });
      if (!child.alive) throw await child.exitError();
      if (held) return;
      await sleep(POLL_MS);
    }
    throw new LookoutError('gpio', 'WRITE_TIMEOUT', `${gpioset} did not hold ${chip} lines ${offsets.join(', ')} within ${timeoutMs} ms`, {
      where: gpioset,
    });
  }
}
