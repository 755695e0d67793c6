/**
 * Fleet telemetry into the store. Replicas of the service split the devices' messages between them with one
 * MQTT 5 shared subscription per channel (`$share/<group>/lookout/v1/dev/+/<channel>`, MQTT 5 §4.8.2: each
 * message goes to one session of the share group). Status is the exception: it is retained, and a broker
 * sends no retained messages to a shared subscription, so every replica subscribes to status directly and
 * learns the whole fleet's last status (and last wills) when it connects; status upserts are idempotent, and
 * there is one status per device connection, so the copies cost nothing.
 *
 * A message is acknowledged (PUBACK) once it is stored, except stats, which are acknowledged when queued for
 * the next batch (at most `batch.maxDelayMs` of stats is lost if the service dies; the next stats message
 * covers the same counters). A store that fails is retried with backoff while the broker holds what follows;
 * a message that is bad is counted, remembered for the dashboard, logged at a bounded rate, and never stored.
 */
import { systemClock, type Clock } from '../../agent/clock.ts';
import type { Connector, ConnectFn } from '../../agent/telemetry/link/connector.ts';
import { RateLimitedLog } from '../../agent/telemetry/link/log-limits.ts';
import { LinkCounters } from '../../agent/telemetry/link/metrics.ts';
import type { LinkConfig } from '../../agent/telemetry/link/schema.ts';
import { errorMessage, LookoutError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { allDevicesFilter, deviceTopic, sharedFilter } from '../../protocol/index.ts';
import { startCloudConnection } from '../cloud-connection.ts';
import type { StatsRow, Store } from '../store/store.ts';
import { isTransientStoreError } from './store-failure.ts';
import { cancellableSleep, systemTimers, type Timers } from '../../util/timers.ts';
import { BAD_PAYLOAD_REASONS, type BadPayloadReason, type IngestCounters } from './counters.ts';
import { decodeMessage, INGEST_CHANNELS, type BadMessage, type DecodedMessage } from './decode.ts';
import { StatsBatcher } from './stats-batcher.ts';

export interface IngestOptions {
  readonly mqtt: LinkConfig;
  /** Unique per replica: the broker keeps each replica's session (and its share of queued messages). */
  readonly clientId: string;
  /** Replicas with the same share group split the traffic; null subscribes plainly (brokers without MQTT 5). */
  readonly shareGroup: string | null;
  readonly batch: { readonly maxRows: number; readonly maxDelayMs: number };
}

export interface IngestDeps {
  readonly options: IngestOptions;
  readonly store: Store;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly connect?: ConnectFn;
}

export interface BadRecord extends BadMessage {
  readonly topic: string;
  /** Receive time, ms since the epoch. */
  readonly at: number;
}

const RECENT_BAD = 20;
/** Attempts at a write that fails in a way that does not pass by itself (see store-failure.ts). */
const PERMANENT_ATTEMPTS = 3;

/** A store write given up: the message is refused as `store`, with the store's reason. */
class StoreRefused extends Error {
  constructor(cause: unknown) {
    super(`the store refused it: ${errorMessage(cause)}`, { cause });
    this.name = 'StoreRefused';
  }
}
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

function isBadInput(e: unknown): e is LookoutError {
  return e instanceof LookoutError && e.code === 'STORE_BAD_INPUT';
}

/** The subscription filters of one replica. */
export function ingestFilters(shareGroup: string | null): string[] {
  return INGEST_CHANNELS.map((channel) => {
    const filter = allDevicesFilter(channel);
    return channel === 'status' || shareGroup === null ? filter : sharedFilter(shareGroup, filter);
  });
}

export class Ingest {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly batcher: StatsBatcher;
  private readonly badLog: RateLimitedLog;
  private readonly link = new LinkCounters();
  private connector: Connector | undefined;
  private running = false;
  private readonly sleeps = new Set<() => void>();
  private readonly readyWaiters: (() => void)[] = [];
  private subscribed = false;
  private received = 0;
  private stored = 0;
  private duplicates = 0;
  private storeErrors = 0;
  /** Stats rows refused by the store (counted in `bad.store`, taken out of the batcher's duplicates). */
  private refusedStats = 0;
  private readonly bad: Record<BadPayloadReason, number> = Object.fromEntries(BAD_PAYLOAD_REASONS.map((r) => [r, 0])) as Record<BadPayloadReason, number>;
  private readonly byChannel: Record<string, number> = {};
  private readonly recent: BadRecord[] = [];

  constructor(private readonly deps: IngestDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? systemTimers;
    this.badLog = new RateLimitedLog(this.logger, () => this.clock.monoMs(), 5, 60_000);
    const { maxRows, maxDelayMs } = deps.options.batch;
    this.batcher = new StatsBatcher(
      (rows) => this.writeStats(rows),
      { maxRows, maxDelayMs, maxPending: maxRows * 8 },
      (e, rows) => {
        this.logger.error({ err: errorMessage(e), rows }, 'stats batch not stored');
      },
      this.timers,
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { options } = this.deps;
    this.running = true;
    const filters = ingestFilters(options.shareGroup);
    this.connector = await startCloudConnection({
      mqtt: options.mqtt,
      clientId: options.clientId,
      // A persistent session: what arrives while this replica restarts waits for it.
      clean: false,
      counters: this.link,
      logger: this.logger,
      clock: this.clock,
      timers: this.timers,
      ...(this.deps.connect && { connect: this.deps.connect }),
      onUp: (client, connack) => {
        // A session the broker kept still holds the subscriptions; subscribing again is harmless and covers a
        // broker that lost them (MQTT-3.8.4-3: a repeated subscription replaces the old one).
        client.subscribe(filters, { qos: 1 }, (error, granted) => {
          const refused = granted?.filter((g) => g.qos >= 0x80) ?? [];
          if (error !== null || refused.length > 0) {
            this.logger.error({ err: error === null ? undefined : errorMessage(error), refused: refused.map((g) => g.topic) }, 'ingest subscription refused');
            return;
          }
          this.logger.info({ filters, sessionPresent: connack.sessionPresent }, 'ingest subscribed');
          this.subscribed = true;
          for (const resolve of this.readyWaiters.splice(0)) resolve();
        });
      },
      onDown: () => {
        this.subscribed = false;
      },
      handleMessage: (topic, payload) => this.handle(topic, payload),
    });
  }

  /** Resolves once the subscriptions are in place (tests and the bench wait for it before publishing). */
  ready(): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const cancel of this.sleeps) cancel();
    await this.batcher.flush();
    await this.connector?.stop();
    this.connector = undefined;
  }

  counters(): IngestCounters {
    return {
      received: this.received,
      stored: this.stored + this.batcher.written,
      duplicates: this.duplicates + this.batcher.duplicates - this.refusedStats,
      bad: { ...this.bad },
      byChannel: { ...this.byChannel },
      storeErrors: this.storeErrors,
      pendingStats: this.batcher.pending,
      connected: this.link.connected,
    };
  }

  /** The last few rejected messages, newest last: what was wrong and where. */
  recentBad(): readonly BadRecord[] {
    return [...this.recent];
  }

  /** Everything received so far is in the store (tests and the bench). */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    this.received += 1;
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) {
      // Acknowledged all the same: sending it again would not make it any better.
      this.reject(topic, decoded);
      return;
    }
    const { message } = decoded;
    this.byChannel[message.channel] = (this.byChannel[message.channel] ?? 0) + 1;
    const receivedAt = this.clock.wallMs();
    if (message.channel === 'stats') {
      await this.batcher.add({ stats: message.payload, receivedAt });
      return;
    }
    try {
      const added = await this.durable(() => this.write(message, receivedAt));
      if (added) this.stored += 1;
      else this.duplicates += 1;
    } catch (e) {
      if (!isBadInput(e) && !(e instanceof StoreRefused)) throw e;
      this.reject(topic, { reason: 'store', detail: errorMessage(e) });
    }
  }

  private async write(message: Exclude<DecodedMessage, { channel: 'stats' }>, receivedAt: number): Promise<boolean> {
    const { store } = this.deps;
    switch (message.channel) {
      case 'status':
        await store.upsertStatus(message.payload, receivedAt);
        return true;
      case 'state':
        await store.upsertState(message.payload);
        return true;
      case 'events':
        return store.insertEvent(message.payload, receivedAt);
      case 'update':
        await store.upsertUpdate(message.payload);
        return true;
      case 'samples': {
        const { jpeg, ...meta } = message.payload;
        return store.insertSample(meta, Buffer.from(jpeg, 'base64'), receivedAt);
      }
    }
  }

  /**
   * Runs a store write until it succeeds, while the failure is one that passes (a store that is down,
   * PostgreSQL restarting, a full disk): the intake waits and the broker keeps the rest. Bad input is not
   * retried; another failure is tried `PERMANENT_ATTEMPTS` times, then given up (the caller refuses the
   * message and counts it). Nothing is retried once stopping (the message then stays unacknowledged in the
   * session and comes again).
   */
  private async durable<T>(write: () => Promise<T>): Promise<T> {
    let permanent = 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await write();
      } catch (e) {
        if (isBadInput(e) || !this.running) throw e;
        this.storeErrors += 1;
        if (!isTransientStoreError(e)) {
          // Tried again at once (no pause: the intake is held meanwhile), then given up.
          if (++permanent >= PERMANENT_ATTEMPTS) throw new StoreRefused(e);
          continue;
        }
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        this.badLog.warn({ err: errorMessage(e), attempt, retryInMs: delay }, 'store write failed; retrying');
        const sleep = cancellableSleep(this.timers, delay);
        this.sleeps.add(sleep.cancel);
        await sleep.done;
        this.sleeps.delete(sleep.cancel);
      }
    }
  }

  /** A batch that fails for good is written row by row, so one row the store refuses costs only itself. */
  private async writeStats(rows: readonly StatsRow[]): Promise<number> {
    try {
      return await this.durable(() => this.deps.store.insertStatsBatch(rows));
    } catch (e) {
      if (!(e instanceof StoreRefused) && !isBadInput(e)) throw e;
    }
    let added = 0;
    for (const row of rows) {
      try {
        added += await this.durable(() => this.deps.store.insertStatsBatch([row]));
      } catch (e) {
        if (!(e instanceof StoreRefused) && !isBadInput(e)) throw e;
        this.refusedStats += 1;
        this.reject(deviceTopic(row.stats.deviceId, 'stats'), { reason: 'store', detail: errorMessage(e) });
      }
    }
    return added;
  }

  private reject(topic: string, badMessage: BadMessage): void {
    this.bad[badMessage.reason] += 1;
    this.recent.push({ topic, ...badMessage, at: this.clock.wallMs() });
    if (this.recent.length > RECENT_BAD) this.recent.shift();
    this.badLog.warn({ topic, reason: badMessage.reason, detail: badMessage.detail }, 'bad telemetry message rejected');
  }
}
