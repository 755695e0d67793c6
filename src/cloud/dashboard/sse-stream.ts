/**
 * One server-sent-events response (HTML Living Standard, "Server-sent events": `event:` / `data:` lines, a
 * blank line ends a message, a line starting with `:` is a comment).
 */
import type { ServerResponse } from 'node:http';

/** A client this far behind is cut off; its EventSource reconnects and starts again from a fresh snapshot. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface SseOptions {
  /** Comment line interval: proxies close connections idle for about a minute (nginx proxy_read_timeout 60 s). */
  readonly pingMs: number;
  /** Called once, when the stream ends for any reason. */
  readonly onClose: () => void;
}

export class SseStream {
  private closed = false;
  private ping: NodeJS.Timeout | undefined;

  constructor(private readonly res: ServerResponse, private readonly options: SseOptions) {}

  /** Sends the headers, starts the pings and watches for the client leaving. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      // The socket serves this one stream: when the stream ends (the server closing, a slow client cut off) the
      // connection goes with it instead of idling in a keep-alive pool.
      Connection: 'close',
      // nginx buffers proxied responses unless told not to (nginx docs, proxy_buffering).
      'X-Accel-Buffering': 'no',
    });
    // The client's reconnection delay (the `retry` field), then an empty comment so headers leave at once.
    this.res.write('retry: 2000\n: open\n\n');
    this.ping = setInterval(() => { this.write(': ping\n\n'); }, this.options.pingMs);
    this.res.once('close', () => { this.finish(); });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True while the socket has taken everything written so far. */
  get drained(): boolean {
    return !this.res.writableNeedDrain;
  }

  /** One message; the data is JSON, so it holds no raw newline and fits one `data:` line. */
  send(event: string, data: unknown): void {
    this.sendRaw(event, JSON.stringify(data));
  }

  /** One message with data already serialised as JSON (a fan-out serialises once for every client). */
  sendRaw(event: string, json: string): void {
    this.write(`event: ${event}\ndata: ${json}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.res.end();
    this.finish();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.finish();
      return;
    }
    this.res.write(text);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ping);
    // The client left mid-stream: its socket has nothing more to carry (and would otherwise hold server.close()).
    if (!this.res.writableEnded) this.res.destroy();
    this.options.onClose();
  }
}
