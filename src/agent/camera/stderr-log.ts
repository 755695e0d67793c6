/**
 * A capture tool's stderr, forwarded to the logger line by line and rate-limited: camera stacks can print a
 * line per frame (rpicam-apps frame info, GStreamer warnings), and a chatty tool must not flood the journal.
 * The last few lines are kept whatever the rate limit, to explain a failure when the process dies.
 */
import type { Logger } from '../../log.ts';

export interface StderrLogOptions {
  /** Lines logged per window; the rest are counted and reported once the window ends. */
  readonly maxLines: number;
  readonly windowMs: number;
  /** Longer lines are cut (binary garbage has no newlines). */
  readonly maxLineLength: number;
  /** Recent lines kept for `recent()`. */
  readonly keep: number;
}

export const defaultStderrLogOptions: StderrLogOptions = { maxLines: 20, windowMs: 10_000, maxLineLength: 300, keep: 8 };

// Control characters other than tab would garble a terminal or a JSON log viewer.
const CONTROL = /[^\P{Cc}\t]/gu;

export class StderrLog {
  // Streaming decode: a UTF-8 character may be split across two pipe reads.
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private windowStart: number | undefined;
  private inWindow = 0;
  private suppressed = 0;
  private readonly last: string[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly options: StderrLogOptions = defaultStderrLogOptions,
  ) {}

  push(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const lines = text.split(/\r\n|\r|\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    if (this.partial.length > this.options.maxLineLength) {
      this.line(this.partial);
      this.partial = '';
    }
  }

  /** Logs a trailing line without a newline, and the count of lines held back (the process has ended). */
  flush(): void {
    const rest = this.partial + this.decoder.decode();
    if (rest !== '') this.line(rest);
    this.partial = '';
    this.reportSuppressed();
  }

  /** The last lines seen, oldest first. */
  recent(): readonly string[] {
    return this.last;
  }

  private line(raw: string): void {
    const cut = raw.length > this.options.maxLineLength ? `${raw.slice(0, this.options.maxLineLength)}…` : raw;
    const line = cut.replace(CONTROL, '?').trimEnd();
    if (line === '') return;
    this.last.push(line);
    if (this.last.length > this.options.keep) this.last.shift();

    const now = this.now();
    if (this.windowStart === undefined || now - this.windowStart >= this.options.windowMs) {
      this.reportSuppressed();
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow < this.options.maxLines) {
      this.inWindow++;
      this.logger.info({ line }, 'capture stderr');
    } else {
      this.suppressed++;
    }
  }

  private reportSuppressed(): void {
    if (this.suppressed === 0) return;
    this.logger.warn({ suppressed: this.suppressed }, 'capture stderr lines suppressed by the rate limit');
    this.suppressed = 0;
  }
}
