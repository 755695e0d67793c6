/**
 * Parsers for libgpiod's command-line tool output, v1 (1.6.x, Debian 12 / Raspberry Pi OS bookworm) and v2
 * (2.x, Debian 13 / Raspberry Pi OS trixie). Formats from the libgpiod sources:
 *   version:    print_version(): "%s (libgpiod) v%s"                 e.g. "gpioset (libgpiod) v1.6.3"
 *   gpiodetect: "%s [%s] (%u lines)"  (same in v1 and v2)           e.g. "gpiochip0 [pinctrl-rp1] (54 lines)"
 *   gpioinfo:   header "%s - %u lines:", then per line
 *     v1 tools/gpioinfo.c list_lines(): `\tline  17:     "GPIO17"       unused  output  active-high `
 *        (right-aligned columns; once one overflows the rest are printed unpadded), name "..." or unnamed,
 *        consumer "..." / unused / kernel, direction, active state, optional [flags]
 *     v2 tools/gpioinfo.c + tools-common.c print_line_attributes(): `\tline  17:\t"GPIO17"        \toutput consumer="lookout"`
 *        name quoted (or unnamed) padded to 16, then direction and attributes (active-low, drive=, bias=,
 *        edges=, event-clock=, debounce-period=, consumer= last).
 * Anything else is refused with the output line at fault: a parser that guesses could drive the wrong pin.
 */
import { LookoutError } from '../../errors.ts';
import type { GpioLineInfo } from './line-resolver.ts';

export interface GpiodVersion {
  readonly major: number;
  readonly minor: number;
  /** The version as printed, e.g. "1.6.3". */
  readonly text: string;
}

export interface DetectedChip {
  readonly name: string;
  readonly label: string;
  readonly numLines: number;
}

export interface ListedChip {
  readonly name: string;
  readonly numLines: number;
  readonly lines: readonly GpioLineInfo[];
}

function badOutput(tool: string, lineNo: number, line: string, why: string): LookoutError {
  return new LookoutError('gpio', 'BAD_TOOL_OUTPUT', `${tool} output line ${lineNo}: ${why}: ${JSON.stringify(line)}`, {
    where: `${tool} output line ${lineNo}`,
  });
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

export function parseToolVersion(text: string, tool: string): GpiodVersion {
  const match = /\(libgpiod\) v(\d+)\.(\d+)(\S*)/.exec(text);
  if (match === null) {
    throw new LookoutError('gpio', 'TOOL_VERSION_UNKNOWN', `${tool} --version printed no libgpiod version: ${JSON.stringify(text.slice(0, 200))}`, {
      where: `${tool} --version`,
    });
  }
  return { major: Number(match[1]), minor: Number(match[2]), text: `${match[1]}.${match[2]}${match[3] ?? ''}` };
}

const DETECT_LINE = /^(\S+) \[(.*)\] \((\d+) lines\)$/;

export function parseGpiodetect(text: string): DetectedChip[] {
  const chips: DetectedChip[] = [];
  lines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = DETECT_LINE.exec(line);
    if (m === null) throw badOutput('gpiodetect', i + 1, line, 'not "NAME [LABEL] (N lines)"');
    chips.push({ name: m[1]!, label: m[2]!, numLines: Number(m[3]) });
  });
  return chips;
}

const CHIP_HEADER = /^(\S+) - (\d+) lines:$/;
const V1_LINE =
  /^\tline +(\d+): +(unnamed|"[^"]*") +(unused|kernel|"[^"]*") +(input|output) +(active-high|active-low) *(?:\[([^\]]*)\])? *$/;
const V2_LINE = /^\tline +(\d+):\t(unnamed|"[^"]*") *\t(input|output)((?: \S.*)?)$/;
const V2_CONSUMER = / consumer=(?:"([^"]*)"|(.*))$/;

const unquote = (s: string): string => s.slice(1, -1);

function parseV1Line(m: RegExpExecArray): GpioLineInfo {
  const name = m[2]!;
  const consumer = m[3]!;
  return {
    offset: Number(m[1]),
    name: name === 'unnamed' ? null : unquote(name),
    used: consumer !== 'unused',
    consumer: consumer.startsWith('"') ? unquote(consumer) : null,
    direction: m[4] === 'output' ? 'output' : 'input',
    activeLow: m[5] === 'active-low',
  };
}

function parseV2Line(m: RegExpExecArray): GpioLineInfo {
  const name = m[2]!;
  const attributes = m[4]!;
  const consumer = V2_CONSUMER.exec(attributes);
  const consumerName = consumer === null ? null : (consumer[1] ?? consumer[2] ?? null);
  return {
    offset: Number(m[1]),
    name: name === 'unnamed' ? null : unquote(name),
    used: consumer !== null,
    // v2 prints consumer="kernel" for a line the kernel holds without a name.
    consumer: consumerName,
    direction: m[3] === 'output' ? 'output' : 'input',
    activeLow: / active-low(?: |$)/.test(attributes.replace(V2_CONSUMER, '')),
  };
}

/** Parses `gpioinfo` (all chips, or the chips asked for) in the format of libgpiod `major` 1 or 2. */
export function parseGpioinfo(text: string, major: 1 | 2): ListedChip[] {
  const chips: { name: string; numLines: number; lines: GpioLineInfo[] }[] = [];
  const lineRegex = major === 1 ? V1_LINE : V2_LINE;
  lines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const header = CHIP_HEADER.exec(line);
    if (header !== null) {
      chips.push({ name: header[1]!, numLines: Number(header[2]), lines: [] });
      return;
    }
    const current = chips.at(-1);
    if (current === undefined) throw badOutput('gpioinfo', i + 1, line, 'a line before any chip header');
    const m = lineRegex.exec(line);
    if (m === null) throw badOutput('gpioinfo', i + 1, line, `not a libgpiod v${major} line description`);
    const info = major === 1 ? parseV1Line(m) : parseV2Line(m);
    if (info.offset >= current.numLines) throw badOutput('gpioinfo', i + 1, line, `offset past the chip's ${current.numLines} lines`);
    current.lines.push(info);
  });
  return chips;
}
