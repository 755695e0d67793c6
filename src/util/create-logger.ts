/**
 * The composition roots' logger: pino, JSON lines for journald and log shippers, or a compact human format
 * for a terminal (the demo). Libraries never import this; they take a `Logger`.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../log.ts';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'module']);

/** One JSON log record → `12:00:01.234 INFO  camera: message key=value ...`. */
export function prettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '';
  const level = LEVEL_NAMES[typeof rec.level === 'number' ? rec.level : 30] ?? 'INFO ';
  const module = typeof rec.module === 'string' ? `${rec.module}: ` : '';
  const rest = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level} ${module}${typeof rec.msg === 'string' ? rec.msg : ''}${rest === '' ? '' : ` ${rest}`}`;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') out.write(prettyLine(line) + '\n');
      done();
    },
  });
}

export function createLogger(options: { level: LogLevel; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const out = options.destination ?? process.stderr;
  const stream = options.format === 'pretty' ? prettyStream(out) : out;
  return pino({ level: options.level, base: undefined }, stream);
}
