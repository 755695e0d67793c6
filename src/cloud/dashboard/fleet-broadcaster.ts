/**
 * The live fleet push: one timer per server, one store query per tick, the same serialised snapshot written to
 * every connected client. No client, no timer: the store is not queried for nobody.
 */
import type { Logger } from '../../log.ts';
import type { SseStream } from './sse-stream.ts';

export interface FleetBroadcasterDeps {
  /** The snapshot as JSON text (the body of GET /api/v1/fleet with its defaults). */
  readonly snapshot: () => Promise<string>;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export const FLEET_EVENT = 'fleet';

export class FleetBroadcaster {
  private readonly clients = new Set<SseStream>();
  private timer: NodeJS.Timeout | undefined;
  /** The newest snapshot while anyone listens: a client joining mid-period gets it at once, no extra query. */
  private latest: string | undefined;
  private ticking = false;

  constructor(private readonly deps: FleetBroadcasterDeps) {}

  get clientCount(): number {
    return this.clients.size;
  }

  add(client: SseStream): void {
    this.clients.add(client);
    if (this.latest !== undefined) client.sendRaw(FLEET_EVENT, this.latest);
    // The first client starts the cycle; one joining while the first query runs gets that query's result.
    if (this.clients.size === 1 && !this.ticking && this.timer === undefined) void this.tick();
  }

  remove(client: SseStream): void {
    this.clients.delete(client);
    if (this.clients.size > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }

  /** Ends every stream and the timer. */
  stop(): void {
    for (const client of [...this.clients]) client.close();
    this.clients.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }

  /**
   * A timeout re-armed after each query, not an interval: a slow store stretches the period instead of piling
   * queries up behind each other.
   */
  private async tick(): Promise<void> {
    this.timer = undefined;
    this.ticking = true;
    try {
      const json = await this.deps.snapshot();
      if (this.clients.size === 0) return;
      this.latest = json;
      for (const client of this.clients) {
        // A client still flushing the previous snapshot skips this one: each snapshot replaces the last.
        if (client.drained) client.sendRaw(FLEET_EVENT, json);
      }
    } catch (e) {
      this.deps.logger.error({ err: e }, 'fleet snapshot failed');
    } finally {
      this.ticking = false;
      if (this.clients.size > 0) {
        this.timer = setTimeout(() => { void this.tick(); }, this.deps.intervalMs);
      }
    }
  }
}
