/**
 * GPIO through the legacy sysfs interface (Documentation/ABI/obsolete/sysfs-gpio), for older kernels and
 * boards without the libgpiod tools. Plain file writes: no native addon (unlike onoff's epoll), so nothing to
 * cross-compile for arm64.
 *
 * A line's sysfs number is global: its chip's `base` plus the offset. The base is read from
 * /sys/class/gpio/gpiochipN/base, never assumed: Raspberry Pi kernels from 6.6 moved it from 0 to 512 (Pi 4)
 * and 571 (Pi 5), and "echo 17 > export" then fails with EINVAL (fivdi/onoff#199, fivdi/onoff#200).
 *
 * Claiming a line: export it, wait for its files (the kernel creates them during the write, but udev applies
 * group permissions a moment later, so a non-root agent sees ENOENT/EACCES at first), then write `direction`
 * as "high" or "low" (output with that initial level in one step, no glitch through the wrong level; raw, so
 * active_low does not apply), then `active_low`, then `value` (logical from then on).
 */
import { closeSync, constants, write as fsWrite, openSync, writeSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LookoutError, errorMessage } from '../../errors.ts';
import type { ActuatorDeps, Level } from './actuator.ts';
import { LineActuator, type LevelMap } from './line-actuator.ts';
import { PI_HEADER_CHIP_LABELS, parseLineSpec, resolveLine, type GpioChipInfo, type LineSpec } from './line-resolver.ts';
import type { OutputConfig } from './schema.ts';

const writeAt = promisify(fsWrite);
const RETRY_MS = 10;

export interface SysfsActuatorDeps extends ActuatorDeps {
  /** Where sysfs is mounted; default "/sys". Tests point it at a temporary tree. */
  readonly sysfsRoot?: string;
  /** How long a freshly exported line may take to become writable. */
  readonly exportTimeoutMs?: number;
}

interface SysfsChip extends GpioChipInfo {
  readonly base: number;
}

interface ClaimedLine {
  readonly global: number;
  readonly activeLow: boolean;
  /** The open `value` file; null until the line is configured. */
  valueFd: number | null;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export class SysfsActuator extends LineActuator {
  private readonly deps: SysfsActuatorDeps;
  private readonly claimed = new Map<string, ClaimedLine>();
  /** Global numbers this actuator exported, to unexport on release. */
  private readonly exported: number[] = [];

  constructor(outputs: readonly OutputConfig[], deps: SysfsActuatorDeps) {
    super(outputs, deps);
    this.deps = deps;
  }

  private get gpioDir(): string {
    return `${this.deps.sysfsRoot ?? '/sys'}/class/gpio`;
  }

  protected async claim(levels: LevelMap): Promise<void> {
    const chips = await this.readChips();
    const plan = this.outputs.map((output, i) => {
      const { chip, offset } = this.resolve(chips, output, i);
      return { output, global: chip.base + offset, where: `outputs[${i}].line` };
    });
    const seen = new Map<number, string>();
    for (const { output, global, where } of plan) {
      const other = seen.get(global);
      if (other !== undefined) {
        throw new LookoutError('gpio', 'DUPLICATE_LINE', `outputs "${other}" and "${output.name}" both use GPIO ${global}`, { where });
      }
      seen.set(global, output.name);
    }
    for (const { output, global } of plan) {
      const level = levels.get(output.name) ?? 0;
      const line: ClaimedLine = { global, activeLow: output.activeLow, valueFd: null };
      this.claimed.set(output.name, line);
      await this.export(global);
      const dir = `${this.gpioDir}/gpio${global}`;
      await writeFile(`${dir}/direction`, level === 1 ? 'high' : 'low');
      await writeFile(`${dir}/active_low`, output.activeLow ? '1' : '0');
      line.valueFd = openSync(`${dir}/value`, constants.O_WRONLY);
      await writeAt(line.valueFd, this.logical(line, level), 0);
    }
  }

  protected async write(levels: LevelMap): Promise<void> {
    for (const [name, level] of levels) {
      const line = this.claimed.get(name);
      if (line === undefined || line.valueFd === null) continue;
      await writeAt(line.valueFd, this.logical(line, level), 0);
    }
  }

  protected writeSync(levels: LevelMap): void {
    for (const [name, level] of levels) {
      const line = this.claimed.get(name);
      if (line === undefined || line.valueFd === null) continue;
      writeSync(line.valueFd, this.logical(line, level), 0);
    }
  }

  protected async release(): Promise<void> {
    for (const line of this.claimed.values()) {
      if (line.valueFd !== null) closeSync(line.valueFd);
      line.valueFd = null;
    }
    this.claimed.clear();
    let failure: LookoutError | null = null;
    for (const global of this.exported.splice(0)) {
      try {
        await writeFile(`${this.gpioDir}/unexport`, `${global}\n`);
      } catch (e) {
        failure ??= new LookoutError('gpio', 'UNEXPORT_FAILED', `could not unexport GPIO ${global}: ${errorMessage(e)}`, {
          where: `${this.gpioDir}/unexport`,
          cause: e,
        });
      }
    }
    if (failure !== null) throw failure;
  }

  /** The `value` file holds the logical level once active_low is written. */
  private logical(line: ClaimedLine, level: Level): string {
    return (level === 1) !== line.activeLow ? '1' : '0';
  }

  private async readChips(): Promise<SysfsChip[]> {
    let entries: string[];
    try {
      entries = await readdir(this.gpioDir);
    } catch (e) {
      throw new LookoutError(
        'gpio',
        'CHIP_NOT_FOUND',
        `no ${this.gpioDir} (${errno(e) ?? errorMessage(e)}): this kernel has no sysfs GPIO; use the gpiod backend`,
        { where: this.gpioDir, cause: e },
      );
    }
    const chips: SysfsChip[] = [];
    for (const name of entries.filter((e) => /^gpiochip\d+$/.test(e)).sort()) {
      const attr = async (file: string): Promise<string> => (await readFile(`${this.gpioDir}/${name}/${file}`, 'utf8')).trim();
      const base = Number(await attr('base'));
      const numLines = Number(await attr('ngpio'));
      if (!Number.isInteger(base) || !Number.isInteger(numLines)) {
        throw new LookoutError('gpio', 'BAD_SYSFS', `${name} has a non-numeric base or ngpio`, { where: `${this.gpioDir}/${name}` });
      }
      chips.push({ name, label: await attr('label'), numLines, lines: [], base });
    }
    return chips;
  }

  /**
   * sysfs knows no line names. "GPIO<n>" is accepted on the Raspberry Pi header chips, where it is the BCM
   * number and equals the offset (on a Pi 4 the line at offset 2 is named "SDA1", but GPIO2 is still offset 2).
   */
  private resolve(chips: readonly SysfsChip[], output: OutputConfig, index: number): { chip: SysfsChip; offset: number } {
    const where = { chip: `outputs[${index}].chip`, line: `outputs[${index}].line` };
    if (output.chip.startsWith('/dev/')) {
      throw new LookoutError('gpio', 'CHIP_NOT_FOUND', `the sysfs backend finds chips by label, not by device path "${output.chip}"`, {
        where: where.chip,
      });
    }
    const requested = parseLineSpec(output.line);
    let spec: LineSpec = requested;
    if (requested.kind === 'name') {
      const bcm = /^GPIO(\d+)$/.exec(requested.name);
      if (bcm === null) {
        throw new LookoutError('gpio', 'LINE_NOT_FOUND', `sysfs has no line names: give line "${requested.name}" as an offset`, {
          where: where.line,
        });
      }
      spec = { kind: 'offset', offset: Number(bcm[1]) };
    }
    const resolved = this.resolveNamed(chips, output.chip, spec, requested, where);
    const chip = chips.find((c) => c.name === resolved.chip.name)!;
    if (requested.kind === 'name' && !PI_HEADER_CHIP_LABELS.includes(chip.label)) {
      throw new LookoutError(
        'gpio',
        'LINE_NOT_FOUND',
        `"${requested.name}" means an offset only on Raspberry Pi header chips, not ${chip.name} [${chip.label}]: give the offset`,
        { where: where.line },
      );
    }
    return { chip, offset: resolved.offset };
  }

  private resolveNamed(
    chips: readonly SysfsChip[],
    chipSpec: string,
    spec: LineSpec,
    requested: LineSpec,
    where: { chip: string; line: string },
  ): ReturnType<typeof resolveLine> {
    try {
      return resolveLine(chips, chipSpec, spec, where);
    } catch (e) {
      if (e instanceof LookoutError && e.code === 'LINE_NOT_FOUND' && requested.kind === 'name') {
        throw new LookoutError('gpio', 'LINE_NOT_FOUND', `no line "${requested.name}": ${e.message}`, { where: where.line, cause: e });
      }
      throw e;
    }
  }

  private async export(global: number): Promise<void> {
    const dir = `${this.gpioDir}/gpio${global}`;
    if (!this.writable(`${dir}/direction`)) {
      try {
        await writeFile(`${this.gpioDir}/export`, `${global}\n`);
      } catch (e) {
        // EBUSY: exported already (by us before a crash, or another program): claim it anyway.
        if (errno(e) !== 'EBUSY') {
          throw new LookoutError('gpio', 'EXPORT_FAILED', `the kernel refused to export GPIO ${global}: ${errorMessage(e)}`, {
            where: `${this.gpioDir}/export`,
            cause: e,
          });
        }
      }
    }
    this.exported.push(global);
    const timeoutMs = this.deps.exportTimeoutMs ?? 5000;
    for (let waited = 0; !this.writable(`${dir}/direction`); waited += RETRY_MS) {
      if (waited >= timeoutMs) {
        throw new LookoutError('gpio', 'EXPORT_TIMEOUT', `GPIO ${global} was exported but ${dir}/direction is not writable after ${timeoutMs} ms`, {
          where: `${dir}/direction`,
        });
      }
      await sleep(RETRY_MS);
    }
  }

  private writable(path: string): boolean {
    try {
      closeSync(openSync(path, constants.O_WRONLY));
      return true;
    } catch (e) {
      const code = errno(e);
      if (code === 'ENOENT' || code === 'EACCES') return false;
      throw new LookoutError('gpio', 'EXPORT_FAILED', `cannot open ${path}: ${errorMessage(e)}`, { where: path, cause: e });
    }
  }
}
