/**
 * Finds an output's chip and line offset among the chips a backend can see. Shared by every backend so they
 * agree on what "chip" and "line" mean and fail with the same codes: CHIP_NOT_FOUND and LINE_NOT_FOUND,
 * naming what was searched.
 */
import { LookoutError } from '../../errors.ts';

export interface GpioLineInfo {
  readonly offset: number;
  /** null for an unnamed line. */
  readonly name: string | null;
  readonly used: boolean;
  /** null when unused or claimed by the kernel without a consumer name. */
  readonly consumer: string | null;
  readonly direction: 'input' | 'output';
  readonly activeLow: boolean;
}

export interface GpioChipInfo {
  /** gpiochipN: the character device name. */
  readonly name: string;
  readonly label: string;
  readonly numLines: number;
  /** What the backend knows about each line; may be empty where line names are unknowable (sysfs). */
  readonly lines: readonly GpioLineInfo[];
}

export type LineSpec = { readonly kind: 'offset'; readonly offset: number } | { readonly kind: 'name'; readonly name: string };

/** Chips that drive the Raspberry Pi 40-pin header (Pi 5, Pi 4, older Pis), in the order `auto` prefers them. */
export const PI_HEADER_CHIP_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

/** A number, or a string of digits, is an offset; anything else a line name (as libgpiod v2 reads them). */
export function parseLineSpec(line: number | string): LineSpec {
  if (typeof line === 'number') return { kind: 'offset', offset: line };
  return /^\d+$/.test(line) ? { kind: 'offset', offset: Number(line) } : { kind: 'name', name: line };
}

function describeLineSpec(spec: LineSpec): string {
  return spec.kind === 'offset' ? `offset ${spec.offset}` : `"${spec.name}"`;
}

function describeChip(chip: GpioChipInfo): string {
  return `${chip.name} [${chip.label}]`;
}

function listChips(chips: readonly GpioChipInfo[]): string {
  return chips.length === 0 ? 'no GPIO chips at all' : `found ${chips.map(describeChip).join(', ')}`;
}

function headerRank(chip: GpioChipInfo): number {
  const rank = PI_HEADER_CHIP_LABELS.indexOf(chip.label);
  return rank === -1 ? PI_HEADER_CHIP_LABELS.length : rank;
}

export interface ResolvedLine {
  readonly chip: GpioChipInfo;
  readonly offset: number;
  /** The line's current state, when the backend can see it. */
  readonly info: GpioLineInfo | undefined;
}

export interface ResolveWhere {
  /** Field paths for errors, e.g. `outputs[2].chip`. */
  readonly chip: string;
  readonly line: string;
}

function findLineOnChip(chip: GpioChipInfo, spec: LineSpec): ResolvedLine | null {
  if (spec.kind === 'offset') {
    if (spec.offset >= chip.numLines) return null;
    return { chip, offset: spec.offset, info: chip.lines.find((l) => l.offset === spec.offset) };
  }
  const info = chip.lines.find((l) => l.name === spec.name);
  return info === undefined ? null : { chip, offset: info.offset, info };
}

/** Resolves `chip` (label, /dev path, chip name or "auto") and `line` (name or offset) to one line. */
export function resolveLine(
  chips: readonly GpioChipInfo[],
  chipSpec: string,
  spec: LineSpec,
  where: ResolveWhere,
): ResolvedLine {
  if (chipSpec === 'auto') {
    if (spec.kind === 'offset') {
      const header = chips.filter((c) => headerRank(c) < PI_HEADER_CHIP_LABELS.length).sort((a, b) => headerRank(a) - headerRank(b))[0];
      if (header === undefined) {
        throw new LookoutError(
          'gpio',
          'CHIP_NOT_FOUND',
          `chip "auto" with a line offset looks for a Raspberry Pi header chip (${PI_HEADER_CHIP_LABELS.join(', ')}); ${listChips(chips)}: name the chip's label`,
          { where: where.chip },
        );
      }
      return resolveOnChip(header, spec, where);
    }
    const candidates = [...chips].sort((a, b) => headerRank(a) - headerRank(b));
    for (const chip of candidates) {
      const hit = findLineOnChip(chip, spec);
      if (hit !== null) return hit;
    }
    throw new LookoutError(
      'gpio',
      'LINE_NOT_FOUND',
      `no line named ${describeLineSpec(spec)} on any chip (${listChips(chips)})`,
      { where: where.line },
    );
  }
  const chip = chipSpec.startsWith('/dev/')
    ? chips.find((c) => `/dev/${c.name}` === chipSpec)
    : (chips.find((c) => c.label === chipSpec) ?? chips.find((c) => c.name === chipSpec));
  if (chip === undefined) {
    throw new LookoutError('gpio', 'CHIP_NOT_FOUND', `no GPIO chip "${chipSpec}" (${listChips(chips)})`, {
      where: where.chip,
    });
  }
  return resolveOnChip(chip, spec, where);
}

function resolveOnChip(chip: GpioChipInfo, spec: LineSpec, where: ResolveWhere): ResolvedLine {
  const hit = findLineOnChip(chip, spec);
  if (hit === null) {
    throw new LookoutError(
      'gpio',
      'LINE_NOT_FOUND',
      spec.kind === 'offset'
        ? `line offset ${spec.offset} is past the end of ${describeChip(chip)} (${chip.numLines} lines)`
        : `no line named "${spec.name}" on ${describeChip(chip)} (${chip.numLines} lines)`,
      { where: where.line },
    );
  }
  return hit;
}
