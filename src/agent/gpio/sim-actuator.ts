/**
 * Simulated GPIO: a product, not a test double. It powers the demo on a PC and passes the same contract suite
 * as the real backends. Every transition is recorded in memory, printed through the logger and, when a journal
 * path is given, appended as one JSON line with a synchronous write, so the record survives the process being
 * killed the instant after (tests kill a child process and read the journal).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ActuatorDeps, Level } from './actuator.ts';
import { LineActuator, type LevelMap } from './line-actuator.ts';
import { parseLineSpec, resolveLine, type GpioChipInfo } from './line-resolver.ts';
import type { OutputConfig } from './schema.ts';

export interface SimTransition {
  readonly output: string;
  readonly on: boolean;
  readonly level: Level;
  /** Monotonic time of the write, from the injected clock. */
  readonly atMs: number;
}

export interface SimActuatorDeps extends ActuatorDeps {
  /** Append each transition as a JSON line to this file. */
  readonly journalPath?: string;
  /**
   * Chips to validate `chip`/`line` against, as a real board would. Without one every chip and line is
   * accepted, so a production config runs unchanged in the simulator.
   */
  readonly board?: readonly GpioChipInfo[];
}

export class SimActuator extends LineActuator {
  private readonly deps: SimActuatorDeps;
  private readonly record: SimTransition[] = [];
  private readonly current = new Map<string, Level>();
  private readonly claimed = new Set<string>();
  private journal: number | null = null;

  constructor(outputs: readonly OutputConfig[], deps: SimActuatorDeps) {
    super(outputs, deps);
    this.deps = deps;
  }

  /** Every transition so far, oldest first. */
  transitions(): readonly SimTransition[] {
    return [...this.record];
  }

  /** The level an output's line is at, or undefined before it was ever driven. */
  level(name: string): Level | undefined {
    return this.current.get(this.output(name).name);
  }

  /** Whether the output's line is claimed now. */
  isClaimed(name: string): boolean {
    return this.claimed.has(this.output(name).name);
  }

  protected claim(levels: LevelMap): Promise<void> {
    const board = this.deps.board;
    if (board !== undefined) {
      this.outputs.forEach((o, i) => {
        resolveLine(board, o.chip, parseLineSpec(o.line), { chip: `outputs[${i}].chip`, line: `outputs[${i}].line` });
      });
    }
    if (this.deps.journalPath !== undefined) this.journal = openSync(this.deps.journalPath, 'a');
    for (const o of this.outputs) this.claimed.add(o.name);
    this.apply(levels);
    return Promise.resolve();
  }

  protected write(levels: LevelMap): Promise<void> {
    this.apply(levels);
    return Promise.resolve();
  }

  protected writeSync(levels: LevelMap): void {
    this.apply(levels);
  }

  protected release(): Promise<void> {
    this.claimed.clear();
    if (this.journal !== null) {
      closeSync(this.journal);
      this.journal = null;
    }
    return Promise.resolve();
  }

  private apply(levels: LevelMap): void {
    for (const [output, level] of levels) {
      if (!this.claimed.has(output)) continue;
      const transition: SimTransition = { output, on: this.isOn(output, level), level, atMs: this.deps.clock.monoMs() };
      this.current.set(output, level);
      this.record.push(transition);
      if (this.journal !== null) writeSync(this.journal, `${JSON.stringify(transition)}\n`);
      this.logger.info({ output, on: transition.on, level }, `gpio (sim): ${output} ${transition.on ? 'on' : 'off'}`);
    }
  }
}
