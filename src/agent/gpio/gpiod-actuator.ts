/**
 * GPIO through the character device, driven by Debian's libgpiod command-line tools (package "gpiod"): no
 * native addon, so nothing to cross-compile for arm64. Works with v1 (1.6.x) and v2 (2.x) tools, detected at
 * start. Chips are found by label from gpiodetect, lines by name or offset from gpioinfo; each chip's lines are
 * held by one gpioset process (see chip-holder.ts), interactive on v2 when available.
 *
 * activeLow is applied here, not with gpioset's -l: one process holds all of a chip's lines and -l would apply
 * to every one of them.
 */
import { LookoutError, errorMessage } from '../../errors.ts';
import type { ActuatorDeps, Level } from './actuator.ts';
import type { ChipHolder } from './chip-holder.ts';
import { DEFAULT_TOOL_PATHS, probeGpiod, readChipLines, type GpiodToolPaths } from './gpiod-probe.ts';
import { InteractiveGpioset } from './gpioset-interactive.ts';
import { RestartingGpioset } from './gpioset-restarting.ts';
import { LineActuator, type LevelMap } from './line-actuator.ts';
import { parseLineSpec, resolveLine } from './line-resolver.ts';
import type { OutputConfig } from './schema.ts';
import { defaultSpawn, defaultSpawnSync, type SpawnFn, type SpawnSyncFn } from './tool-process.ts';

export interface GpiodActuatorDeps extends ActuatorDeps {
  readonly spawn?: SpawnFn;
  readonly spawnSync?: SpawnSyncFn;
  /** Executable paths; default: found on PATH. */
  readonly tools?: Partial<GpiodToolPaths>;
  /** Consumer name shown by gpioinfo for our lines (v2; v1 always shows "gpioset"). */
  readonly consumer?: string;
  /** Limit for each tool run and each write. */
  readonly timeoutMs?: number;
}

interface LineRef {
  readonly chip: string;
  readonly offset: number;
}

export class GpiodActuator extends LineActuator {
  private readonly deps: GpiodActuatorDeps;
  private readonly holders = new Map<string, ChipHolder>();
  private readonly lines = new Map<string, LineRef>();
  private readonly chipLevels = new Map<string, Map<number, Level>>();

  constructor(outputs: readonly OutputConfig[], deps: GpiodActuatorDeps) {
    super(outputs, deps);
    this.deps = deps;
  }

  protected async claim(levels: LevelMap): Promise<void> {
    const spawn = this.deps.spawn ?? defaultSpawn;
    const tools = { ...DEFAULT_TOOL_PATHS, ...this.deps.tools };
    const timeoutMs = this.deps.timeoutMs ?? 5000;
    const consumer = this.deps.consumer ?? 'lookout';
    const probe = await probeGpiod(spawn, tools, timeoutMs);

    const taken = new Map<string, string>();
    this.outputs.forEach((output, i) => {
      const where = { chip: `outputs[${i}].chip`, line: `outputs[${i}].line` };
      const { chip, offset, info } = resolveLine(probe.chips, output.chip, parseLineSpec(output.line), where);
      const id = `${chip.name}:${offset}`;
      const other = taken.get(id);
      if (other !== undefined) {
        throw new LookoutError('gpio', 'DUPLICATE_LINE', `outputs "${other}" and "${output.name}" both use line ${offset} of ${chip.name} [${chip.label}]`, {
          where: where.line,
        });
      }
      taken.set(id, output.name);
      if (info?.used === true) {
        throw new LookoutError(
          'gpio',
          'LINE_BUSY',
          `line ${offset} of ${chip.name} [${chip.label}] is already used by ${info.consumer === null ? 'the kernel' : `"${info.consumer}"`}`,
          { where: where.line },
        );
      }
      this.lines.set(output.name, { chip: chip.name, offset });
      const chipLevels = this.chipLevels.get(chip.name) ?? new Map<number, Level>();
      chipLevels.set(offset, levels.get(output.name) ?? 0);
      this.chipLevels.set(chip.name, chipLevels);
    });

    const mode = probe.major === 1 ? 'v1 --mode=signal, restarted per change' : probe.interactive ? 'v2 --interactive' : 'v2 --banner, restarted per change';
    this.logger.info({ version: probe.version.text, mode, chips: [...this.chipLevels.keys()] }, 'gpio: libgpiod tools found');

    for (const [chip, chipLevels] of this.chipLevels) {
      const spawnSync = this.deps.spawnSync ?? defaultSpawnSync;
      const common = { spawn, spawnSync, gpioset: tools.gpioset, chip, consumer, timeoutMs, logger: this.logger };
      const holder: ChipHolder =
        probe.major === 2 && probe.interactive
          ? new InteractiveGpioset(common)
          : new RestartingGpioset({
              ...common,
              flavour: probe.major === 1 ? 'v1-signal' : 'v2-banner',
              readLines: () => readChipLines(spawn, tools, probe.major, chip, timeoutMs),
            });
      // Registered before starting, so a failed start is released too.
      this.holders.set(chip, holder);
      await holder.start(chipLevels);
    }
  }

  protected async write(levels: LevelMap): Promise<void> {
    for (const [chip, changes] of this.byChip(levels)) {
      const next = new Map([...(this.chipLevels.get(chip) ?? []), ...changes]);
      await this.holder(chip).write(next);
      this.chipLevels.set(chip, next);
    }
  }

  protected writeSync(levels: LevelMap): void {
    let first: Error | null = null;
    for (const [chip, changes] of this.byChip(levels)) {
      const holder = this.holders.get(chip);
      // No holder yet (a start still claiming): nothing of that chip is driven, nothing to make safe.
      if (holder === undefined) continue;
      const next = new Map([...(this.chipLevels.get(chip) ?? []), ...changes]);
      try {
        holder.writeSync(next);
        this.chipLevels.set(chip, next);
      } catch (e) {
        // Every chip gets its chance before the first failure is reported.
        this.logger.error({ err: e, chip }, 'gpio: synchronous safe state failed');
        first ??= e instanceof Error ? e : new Error(errorMessage(e));
      }
    }
    if (first !== null) throw first;
  }

  protected async release(): Promise<void> {
    const holders = [...this.holders.values()];
    this.holders.clear();
    const results = await Promise.allSettled(holders.map((h) => h.release()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason instanceof Error ? failed.reason : new Error(errorMessage(failed.reason));
  }

  private byChip(levels: LevelMap): Map<string, Map<number, Level>> {
    const out = new Map<string, Map<number, Level>>();
    for (const [name, level] of levels) {
      const ref = this.lines.get(name);
      if (ref === undefined) continue;
      const chip = out.get(ref.chip) ?? new Map<number, Level>();
      chip.set(ref.offset, level);
      out.set(ref.chip, chip);
    }
    return out;
  }

  private holder(chip: string): ChipHolder {
    const holder = this.holders.get(chip);
    if (holder === undefined) {
      throw new LookoutError('gpio', 'NOT_RUNNING', `no gpioset process holds ${chip}`, { where: chip });
    }
    return holder;
  }
}
