/**
 * Turns a config file's bytes into text before YAML sees them, naming the byte at fault: the yaml parser reads
 * a decoded string, so invalid UTF-8 would reach it as U+FFFD and NUL bytes as ordinary characters, and a value
 * would then fail the schema with no hint that the file itself is damaged.
 */

export interface TextFault {
  /** Byte offset of the first bad byte (0-based). */
  readonly byte: number;
  /** 1-based line and column (columns count characters) of that byte. */
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A config is a few kilobytes; reading and parsing a huge file only exhausts memory (a 36 MB one did). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const BOM = [0xef, 0xbb, 0xbf] as const;

/** Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one (RFC 3629 §4). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  // Overlong forms and UTF-16 surrogates are excluded by the narrowed second-byte ranges.
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/**
 * The first byte that makes `bytes` unfit as YAML text: not UTF-8, or a control character YAML 1.2 does not
 * allow in a stream (§5.1 c-printable: of C0 and DEL only TAB, LF and CR). Undefined when the text is fine.
 * A leading UTF-8 byte order mark is allowed (§5.2).
 */
export function findTextFault(bytes: Uint8Array): TextFault | undefined {
  let i = BOM.every((b, k) => bytes[k] === b) ? BOM.length : 0;
  let line = 1;
  let col = 1;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = sequenceLength(bytes, i);
    if (length === 0) return { byte: i, line, col, message: `not UTF-8 text: byte 0x${hex(b)} at offset ${i} cannot start or continue a character` };
    if (length === 1 && ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f)) {
      return { byte: i, line, col, message: `control character 0x${hex(b)}${b === 0 ? ' (NUL)' : ''} at byte offset ${i}: YAML text cannot hold it` };
    }
    if (b === 0x0a) {
      line += 1;
      col = 1;
    } else {
      col += 1;
    }
    i += length;
  }
  return undefined;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
