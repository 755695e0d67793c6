/**
 * Request parameters (path and query) parsed with zod. Every value arrives as text; a bad one becomes a
 * BadParameter naming it, which the API answers with 400 BAD_PARAMETER.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../protocol/index.ts';

export class BadParameter extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'BadParameter';
  }
}

/** Base-10 integer text, then a range check on the number. */
export function intParam(min: number, max: number): z.ZodType<number, string> {
  const range = `expected an integer from ${min} to ${max}`;
  return z.string()
    .regex(/^-?\d{1,16}$/, 'expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(min, range).max(max, range));
}

/** Milliseconds since the epoch, up to year 9999. */
export const msParam = intParam(0, 253_402_300_799_999);

export const idParam = z.string().regex(ID_PATTERN, `expected letters, digits, "_", "." or "-" (at most 64), matching ${ID_PATTERN.source}`);

/** Sample and job ids: short, printable, no path separators. */
export const keyParam = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, 'expected letters, digits, "_", "." or "-" (at most 64)');

export const boolParam = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

/** Query parameters as a record; a parameter given twice is refused rather than silently picking one. */
export function queryRecord(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) {
    if (Object.hasOwn(out, key)) throw new BadParameter(key, 'given more than once');
    out[key] = value;
  }
  return out;
}

/**
 * Parses path and query parameters together (a strict object: an unknown parameter is refused, so a typo such
 * as `limt=5` is reported rather than ignored).
 */
export function parseParams<T extends z.ZodType>(schema: T, path: Readonly<Record<string, string>>, query: URLSearchParams): z.output<T> {
  const record = queryRecord(query);
  for (const key of Object.keys(path)) {
    if (Object.hasOwn(record, key)) throw new BadParameter(key, 'is part of the path; do not repeat it in the query');
  }
  const result = schema.safeParse({ ...record, ...path });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new BadParameter('(request)', 'invalid parameters');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '(unknown)';
    return failOn(key, 'unknown parameter');
  }
  const field = issue.path.length > 0 ? String(issue.path[0]) : '(request)';
  return failOn(field, issue.message);
}

function failOn(field: string, message: string): never {
  throw new BadParameter(field, `${field}: ${message}`);
}
