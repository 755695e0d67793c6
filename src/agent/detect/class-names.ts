/**
 * Class names from a model's `names` metadata or a labels file.
 *
 * Ultralytics writes `names` with Python's str() of a dict: `{0: 'person', 1: "o'clock"}` (repr quoting:
 * single quotes unless the text holds one; backslash escapes). Other exporters write JSON (`{"0": "person"}`
 * or `["person"]`) or a Python list. One small tokenizer reads all four; keys must be 0..n-1.
 */
import { readFile } from 'node:fs/promises';
import { LookoutError, errorMessage } from '../../errors.ts';

class Syntax extends Error {
  constructor(readonly at: number, message: string) {
    super(`${message} at character ${at}`);
  }
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) throw new Syntax(this.pos, `expected "${ch}"`);
    this.pos++;
  }

  /** `,` then the closer, or the closer alone; returns true when the collection ended. */
  separator(closer: string): boolean {
    const c = this.peek();
    if (c === closer) {
      this.pos++;
      return true;
    }
    this.expect(',');
    if (this.peek() === closer) {
      this.pos++;
      return true;
    }
    return false;
  }

  integer(): number {
    this.ws();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (m === null) throw new Syntax(this.pos, 'expected a class index');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** A Python or JSON string literal: ' or " quoted, with backslash escapes. */
  string(): string {
    const q = this.peek();
    if (q !== "'" && q !== '"') throw new Syntax(this.pos, 'expected a quoted name');
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) throw new Syntax(start, 'unterminated string');
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '/': out += '/'; break;
        case 'x': out += this.hex(2); break;
        case 'u': out += this.hex(4); break;
        case 'U': out += this.hex(8); break;
        case undefined: throw new Syntax(start, 'unterminated string');
        default: out += e; // \\ \' \" and anything else stand for themselves
      }
    }
  }

  private hex(n: number): string {
    const h = this.text.slice(this.pos, this.pos + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw new Syntax(this.pos, `bad \\ escape`);
    this.pos += n;
    return String.fromCodePoint(parseInt(h, 16));
  }
}

function parseDict(s: Scanner): string[] {
  const byIndex = new Map<number, string>();
  s.expect('{');
  if (s.peek() === '}') {
    s.pos++;
    return [];
  }
  for (;;) {
    const keyAt = s.pos;
    const quoted = s.peek() === '"' || s.peek() === "'";
    const key = quoted ? Number(s.string()) : s.integer();
    if (!Number.isInteger(key) || key < 0) throw new Syntax(keyAt, 'class index is not a non-negative integer');
    s.expect(':');
    if (byIndex.has(key)) throw new Syntax(keyAt, `class ${key} appears twice`);
    byIndex.set(key, s.string());
    if (s.separator('}')) break;
  }
  const names: string[] = [];
  for (let i = 0; i < byIndex.size; i++) {
    const name = byIndex.get(i);
    if (name === undefined) throw new Syntax(0, `class indices are not 0..${byIndex.size - 1} (missing ${i})`);
    names.push(name);
  }
  return names;
}

function parseList(s: Scanner): string[] {
  const names: string[] = [];
  s.expect('[');
  if (s.peek() === ']') {
    s.pos++;
    return names;
  }
  do names.push(s.string());
  while (!s.separator(']'));
  return names;
}

/** Parses a `names` value; `where` names the model file for the error. */
export function parseClassNames(text: string, where: string): string[] {
  const s = new Scanner(text);
  try {
    const open = s.peek();
    const names = open === '{' ? parseDict(s) : open === '[' ? parseList(s) : undefined;
    if (names === undefined) throw new Syntax(s.pos, 'expected a dict or a list of class names');
    if (s.peek() !== '') throw new Syntax(s.pos, 'unexpected text after the names');
    if (names.length === 0) throw new Syntax(0, 'no class names');
    return names;
  } catch (e) {
    if (!(e instanceof Syntax)) throw e;
    throw new LookoutError('model', 'BAD_NAMES', `metadata "names" is not readable: ${e.message}`, { where: `${where}: metadata names` });
  }
}

/** A labels file: one name per line, index = line number - 1. Trailing blank lines are ignored. */
export function parseLabelsFile(text: string, path: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new LookoutError('model', 'BAD_LABELS', 'labels file has no names', { where: path });
  return lines.map((line, i) => {
    const name = line.trim();
    if (name === '') throw new LookoutError('model', 'BAD_LABELS', 'blank line in labels file (class ids follow line numbers)', { where: `${path}:${i + 1}` });
    return name;
  });
}

export async function readLabelsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LookoutError('model', code === 'ENOENT' ? 'LABELS_NOT_FOUND' : 'BAD_LABELS', `cannot read labels file: ${errorMessage(e)}`, { where: path, cause: e });
  }
  return parseLabelsFile(text, path);
}
