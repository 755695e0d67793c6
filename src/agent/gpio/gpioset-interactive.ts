/**
 * libgpiod v2: one `gpioset --interactive` process per chip holds the lines for the agent's whole life and
 * takes `set OFFSET=V ...` commands on stdin. With stdout not a terminal gpioset prints its "gpioset> " prompt
 * itself before reading each command (tools/gpioset.c interact()), so the prompt after a `set` means the values
 * were applied; any text before it is an error message ("unknown line", "invalid line value").
 * Should the agent die without stopping it, gpioset's next prompt goes to a closed pipe, SIGPIPE ends it and the
 * kernel releases the lines: nothing is left holding them.
 */
import { LookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { assignments, type ChipHolder, type OffsetLevels } from './chip-holder.ts';
import { setLinesOnceSync } from './gpioset-once.ts';
import { ToolChild } from './tool-child.ts';
import type { SpawnFn, SpawnSyncFn } from './tool-process.ts';

const PROMPT = 'gpioset> ';

export interface InteractiveGpiosetOptions {
  readonly spawn: SpawnFn;
  readonly spawnSync: SpawnSyncFn;
  readonly gpioset: string;
  /** Chip name (gpiochip0): v2 `--chip` takes a name, number or path, not a label. */
  readonly chip: string;
  readonly consumer: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export class InteractiveGpioset implements ChipHolder {
  private readonly options: InteractiveGpiosetOptions;
  private child: ToolChild | null = null;

  constructor(options: InteractiveGpiosetOptions) {
    this.options = options;
  }

  async start(levels: OffsetLevels): Promise<void> {
    const { spawn, gpioset, chip, consumer, timeoutMs, logger } = this.options;
    // Lines by offset: unambiguous within --chip, and the same ids the `set` commands use.
    const args = ['--interactive', '--chip', chip, '--consumer', consumer, ...assignments(levels)];
    this.child = ToolChild.start(spawn, gpioset, args, logger);
    await this.child.expect(PROMPT, timeoutMs, 'prompt after requesting the lines');
  }

  async write(levels: OffsetLevels): Promise<void> {
    const child = this.requireChild();
    const command = `set ${assignments(levels).join(' ')}`;
    // Only output that follows this command answers it; an echo of the command itself is not an error.
    child.discardOutput();
    const answer = child.expect(PROMPT, this.options.timeoutMs, `prompt after "${command}"`);
    child.write(`${command}\n`);
    const text = (await answer)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && line !== command)
      .join('; ');
    if (text !== '') {
      throw new LookoutError('gpio', 'TOOL_FAILED', `gpioset refused "${command}": ${text}`, { where: this.options.gpioset });
    }
  }

  /**
   * Exit paths: Node's child stdin stream has no synchronous write, so the holder is signalled and a one-shot
   * gpioset sets the values (see gpioset-once.ts).
   */
  writeSync(levels: OffsetLevels): void {
    const { spawnSync, gpioset, chip, consumer, timeoutMs } = this.options;
    this.child?.process.kill('SIGTERM');
    this.child = null;
    setLinesOnceSync({ major: 2, spawnSync, gpioset, chip, consumer, timeoutMs }, levels);
  }

  async release(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || !child.alive) return;
    child.write('exit\n');
    await child.stop(this.options.timeoutMs);
  }

  private requireChild(): ToolChild {
    if (this.child === null) {
      throw new LookoutError('gpio', 'NOT_RUNNING', `no gpioset process holds ${this.options.chip}`, { where: this.options.chip });
    }
    return this.child;
  }
}
