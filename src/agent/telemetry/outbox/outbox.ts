/**
 * The durable telemetry outbox: every alarm, event, stat and sample is on disk before the MQTT link may send
 * it, and leaves only when the broker has acknowledged it (QoS 1 PUBACK) or the byte bound forces it out.
 *
 * Storage is append-only segment files written with node:fs (format in frame-codec.ts, design in
 * docs/outbox.md), not SQLite in WAL mode: SQLite needs a native addon (better-sqlite3) built for each board's
 * libc and Node ABI, which the single-bundle deploy cannot carry, and node:sqlite only arrived (experimental)
 * in Node 22.5 while the agent supports Node >= 20.11. WAL also writes every committed page twice (to the log,
 * then into the database at checkpoint), in page-sized pieces. The workload is a plain FIFO with deletes by id,
 * which an append-only log serves with one sequential write and one fdatasync per group commit, the access
 * pattern SD cards wear least from. CRC-framed records make a write torn by power loss detectable, and replay
 * rebuilds the queue.
 *
 * `enqueue` never touches the disk: it appends to an in-memory batch. `flush` (every `flushMs`, at once for an
 * alarm, and from `close`) writes the batch with one write and one fdatasync; only then do its records become
 * sendable. ACK and DROP frames ride the same batches. Payloads are kept by reference, in memory, until acked
 * (`next()` is synchronous): memory use is bounded by `maxBytes`. Callers must not modify a payload after
 * enqueueing it.
 */
import { LookoutError, errorMessage } from '../../../errors.ts';
import type { Logger } from '../../../log.ts';
import type { Clock } from '../../clock.ts';
import { encodeBatch, type PendingResolve } from './batch-encoder.ts';
import { FlushTimer, globalTimers } from './flush-timer.ts';
import { KIND_ACK, KIND_DROP, MAX_RECORD_BYTES, MAX_TOPIC_BYTES, type ResolveKind } from './frame-codec.ts';
import { nodeOutboxFs, type OutboxFs } from './fs-port.ts';
import { LiveRecord } from './live-record.ts';
import { RecordIndex } from './record-index.ts';
import { recoverOutbox } from './recovery.ts';
import { SegmentJanitor } from './segment-janitor.ts';
import { SegmentWriter } from './segment-writer.ts';
import { SegmentList, type Segment } from './segment.ts';
import {
  OUTBOX_DEFAULTS,
  PRIORITIES,
  type OutboxInit,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxRecovery,
  type OutboxStats,
  type OutboxTimers,
  type Priority,
} from './types.ts';

export interface OutboxDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fs?: OutboxFs;
  readonly timers?: OutboxTimers;
}

const RANK: Record<Priority, number> = { alarm: 0, event: 1, stat: 2, sample: 3 };
const LOWEST_RANK = PRIORITIES.length - 1;
/** The least time between two warnings about the same trouble (drops, failing flushes). */
const WARN_EVERY_MS = 10_000;
const RETRY_FLUSH_MS = 1000;
/**
 * Failed flushes in a row (about this many seconds at RETRY_FLUSH_MS) after which records waiting for the disk
 * are sent from memory. A full or failing disk must not stop an alarm from reaching a broker that is there.
 */
const MEMORY_DELIVERY_AFTER_FAILURES = 3;

type Lifecycle = 'new' | 'opening' | 'open' | 'closing' | 'closed';

export class Outbox {
  readonly options: OutboxOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly fs: OutboxFs;
  private lifecycle: Lifecycle = 'new';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private nextId = 1;

  private readonly index = new RecordIndex();

  private pendingPuts: LiveRecord[] = [];
  private pendingResolves: PendingResolve[] = [];
  private segments = new SegmentList();
  private writer: SegmentWriter;
  private janitor: SegmentJanitor;
  private flushTail: Promise<void> = Promise.resolve();
  private queuedFlush: Promise<void> | undefined;
  private maintenanceTail: Promise<void> = Promise.resolve();
  private maintenanceQueued = false;
  private readonly timer: FlushTimer;

  private readonly listeners = new Set<() => void>();
  private readyQueued = false;
  private readonly dropped = PRIORITIES.map(() => 0);
  private written = 0;
  private acked = 0;
  private corruptRecordsSkipped = 0;
  private lastDropWarnMs = Number.NEGATIVE_INFINITY;
  private lastFlushErrorMs = Number.NEGATIVE_INFINITY;
  private failedFlushes = 0;
  private lastCleanupWarnMs = Number.NEGATIVE_INFINITY;
  private recovery: OutboxRecovery | undefined;

  constructor(options: OutboxInit, deps: OutboxDeps) {
    this.options = {
      dir: options.dir,
      maxBytes: options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes,
      flushMs: options.flushMs ?? OUTBOX_DEFAULTS.flushMs,
      segmentBytes: options.segmentBytes ?? OUTBOX_DEFAULTS.segmentBytes,
    };
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.fs = deps.fs ?? nodeOutboxFs;
    this.timer = new FlushTimer(deps.timers ?? globalTimers, () => {
      this.flush().catch((e: unknown) => {
        const now = this.clock.monoMs();
        if (now - this.lastFlushErrorMs < WARN_EVERY_MS) return; // a failing card would fail every retry
        this.lastFlushErrorMs = now;
        this.logger.error({ err: errorMessage(e) }, 'outbox: flush failed; retrying');
      });
    });
    this.writer = this.makeWriter();
    this.janitor = this.makeJanitor();
  }

  /** What the last `open()` found and repaired on disk. */
  get lastRecovery(): OutboxRecovery | undefined {
    return this.recovery;
  }

  /** Creates the directory if needed and rebuilds the queue from the segments in it. */
  open(): Promise<void> {
    if (this.lifecycle !== 'new') {
      return Promise.reject(new LookoutError('telemetry', 'OUTBOX_ALREADY_OPENED', 'an outbox opens once; make a new Outbox to reopen the directory', { where: this.options.dir }));
    }
    const bad = invalidOption(this.options);
    if (bad !== undefined) {
      return Promise.reject(new LookoutError('telemetry', 'OUTBOX_BAD_OPTION', `outbox option ${bad} must be a positive number (flushMs may be 0)`, { where: bad }));
    }
    this.lifecycle = 'opening';
    this.opening = this.recover().then(
      () => {
        this.lifecycle = 'open';
        if (this.index.size > 0) this.emitReady();
      },
      (e: unknown) => {
        this.lifecycle = 'closed';
        throw e;
      },
    );
    return this.opening;
  }

  /**
   * Adds a record to the write batch and returns its id. Never waits on the disk. When the outbox is full, the
   * oldest records of the lowest priorities make room first; the new record itself is dropped (and its id
   * still returned) when only higher-priority records are left.
   */
  enqueue(priority: Priority, topic: string, payload: Uint8Array): number {
    if (this.lifecycle !== 'open') throw this.notOpen('enqueue');
    const rank = RANK[priority];
    const topicBytes = Buffer.byteLength(topic, 'utf8');
    if (topicBytes > MAX_TOPIC_BYTES) {
      throw new LookoutError('telemetry', 'OUTBOX_TOPIC_TOO_LONG', `topic is ${topicBytes} bytes; the most is ${MAX_TOPIC_BYTES}`, { where: `topic ${topic.slice(0, 80)}` });
    }
    const bytes = topicBytes + payload.length;
    if (bytes > this.options.maxBytes || bytes > MAX_RECORD_BYTES) {
      throw new LookoutError('telemetry', 'OUTBOX_RECORD_TOO_LARGE', `a ${bytes}-byte record cannot fit an outbox of ${Math.min(this.options.maxBytes, MAX_RECORD_BYTES)} bytes`, { where: `topic ${topic}` });
    }
    const id = this.nextId++;
    if (!this.makeRoom(bytes, rank)) {
      this.countDrop(rank);
      return id;
    }
    const record = new LiveRecord(id, priority, rank, topic, topicBytes, payload, this.clock.wallMs(), 'pending');
    this.index.add(record);
    this.pendingPuts.push(record);
    this.scheduleFlush(rank === RANK.alarm);
    return id;
  }

  /**
   * Group commit: writes everything enqueued, acknowledged or dropped so far with one write and one fdatasync,
   * then makes the new records sendable. Resolves when all of it is durable; concurrent calls share batches.
   */
  flush(): Promise<void> {
    if (this.queuedFlush !== undefined) return this.queuedFlush;
    const run = this.flushTail.then(() => {
      this.queuedFlush = undefined;
      return this.writeBatch();
    });
    this.queuedFlush = run;
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  /** Up to `max` durable records not in flight, highest priority first, oldest first within one; marks them in flight. */
  next(max: number): OutboxRecord[] {
    return this.index.take(max);
  }

  /** The broker has the record: it is removed (the ACK frame goes out with the next batch). Unknown ids are ignored. */
  ack(id: number): void {
    const record = this.index.get(id);
    if (record === undefined) return; // already dropped, or a duplicate PUBACK
    this.remove(record, KIND_ACK);
    this.acked++;
  }

  /** Sending failed: the record goes back to the queue in its original order. */
  nack(id: number): void {
    const record = this.index.get(id);
    if (record !== undefined && this.index.requeue(record)) this.emitReady();
  }

  /** The connection was lost: every in-flight record goes back to the queue in its original order. */
  requeueInFlight(): void {
    if (this.index.requeueAll() > 0) this.emitReady();
  }

  /** `listener` runs (asynchronously, once per burst) whenever records become sendable. Returns an unsubscribe. */
  on(event: 'ready', listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get stats(): OutboxStats {
    const perPriority = (values: readonly number[]): Record<Priority, number> => ({
      alarm: values[RANK.alarm]!,
      event: values[RANK.event]!,
      stat: values[RANK.stat]!,
      sample: values[RANK.sample]!,
    });
    return {
      depth: this.index.size,
      bytes: this.index.bytes,
      byPriority: perPriority(this.index.counts),
      dropped: perPriority(this.dropped),
      written: this.written,
      acked: this.acked,
      segments: this.segments.items.length,
      corruptRecordsSkipped: this.corruptRecordsSkipped,
    };
  }

  /** Flushes, finishes maintenance and closes the segment file. Safe to call twice, or before `open`. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.opening !== undefined) await this.opening.catch(() => undefined);
    if (this.lifecycle !== 'open') {
      this.lifecycle = 'closed';
      return;
    }
    this.lifecycle = 'closing';
    this.timer.cancel();
    try {
      // Records acknowledged while the last batch was being written leave ACK frames for one more batch.
      while (this.pendingPuts.length > 0 || this.pendingResolves.length > 0) await this.flush();
      await this.flushTail;
    } finally {
      await this.maintenanceTail;
      await this.writer.close();
      this.lifecycle = 'closed';
    }
  }

  private async recover(): Promise<void> {
    const { dir } = this.options;
    const recovered = await recoverOutbox(dir, this.fs);
    this.segments = recovered.segments;
    this.writer = this.makeWriter();
    this.janitor = this.makeJanitor();
    this.nextId = recovered.nextId;
    for (const record of recovered.records) this.index.add(record);
    const report = recovered.report;
    report.deletedSegments = await this.janitor.run();
    this.corruptRecordsSkipped = report.corruptRecordsSkipped;
    this.recovery = report;
    const damaged = report.corruptRecordsSkipped > 0 || report.movedAside.length > 0;
    if (damaged) this.logger.warn({ dir, ...report }, 'outbox: opened; damaged records were skipped or files moved aside');
    else this.logger.info({ dir, ...report }, 'outbox: opened');
  }

  private makeWriter(): SegmentWriter {
    const { dir, segmentBytes } = this.options;
    return new SegmentWriter({ dir, fs: this.fs, segments: this.segments, segmentBytes, logger: this.logger });
  }

  private makeJanitor(): SegmentJanitor {
    const { dir, maxBytes, segmentBytes } = this.options;
    return new SegmentJanitor({
      dir,
      fs: this.fs,
      segments: this.segments,
      logger: this.logger,
      compactAboveBytes: 2 * maxBytes + segmentBytes,
      isLiveIn: (id, segment) => this.index.get(id)?.segment === segment,
      // A failed write abandons the writer's file (segment-writer.ts), so the newest is never one still appended to.
      mayDeleteNewest: () => this.failedFlushes > 0 && this.writer.current === undefined,
    });
  }

  /** Drops the oldest records, lowest priority first, until `bytes` more fit; false when the new record (of `rank`) is the one to go. */
  private makeRoom(bytes: number, rank: number): boolean {
    while (this.index.bytes + bytes > this.options.maxBytes) {
      let victim: LiveRecord | undefined;
      for (let r = LOWEST_RANK; r >= 0 && victim === undefined; r--) {
        victim = this.index.oldest(r);
        if (victim === undefined && r === rank) return false;
      }
      if (victim === undefined) return false;
      this.remove(victim, KIND_DROP);
      this.countDrop(victim.rank);
    }
    return true;
  }

  private countDrop(rank: number): void {
    this.dropped[rank]!++;
    const now = this.clock.monoMs();
    if (now - this.lastDropWarnMs < WARN_EVERY_MS) return;
    this.lastDropWarnMs = now;
    this.logger.warn({ dropped: this.stats.dropped, maxBytes: this.options.maxBytes }, 'outbox full: dropping the oldest records of the lowest priority');
  }

  private remove(record: LiveRecord, kind: ResolveKind): void {
    this.index.remove(record);
    record.release();
    record.resolvedAs = kind;
    const segment = record.segment;
    // Not yet written: the batch skips it, or, when it is being written now, writeBatch resolves it afterwards.
    if (segment === undefined) return;
    segment.releasePut(record.frameBytes);
    this.pendingResolves.push({ kind, id: record.id, target: segment });
    this.scheduleFlush(false);
  }

  private async writeBatch(): Promise<void> {
    const puts = this.pendingPuts;
    const resolves = this.pendingResolves;
    if (puts.length === 0 && resolves.length === 0) return;
    this.pendingPuts = [];
    this.pendingResolves = [];
    this.timer.cancel();

    const batch = encodeBatch(puts, resolves);
    if (batch === undefined) return;
    let segment: Segment;
    try {
      segment = await this.writer.append(batch.bytes, batch.end, batch.firstId ?? this.nextId);
    } catch (e) {
      // Only what still needs writing goes back (the batch skipped records already gone), so a disk that stays
      // full does not make the retried batch grow with records long acknowledged.
      this.pendingPuts = batch.puts.concat(this.pendingPuts);
      this.pendingResolves = batch.resolves.concat(this.pendingResolves);
      this.failedFlushes++;
      if (this.failedFlushes >= MEMORY_DELIVERY_AFTER_FAILURES) this.deliverFromMemory(batch.puts);
      // Acknowledgements may have left whole segments dead: deleting them is the space a full disk gets back.
      this.scheduleMaintenance();
      if (this.lifecycle === 'open') this.timer.arm(Math.max(this.options.flushMs, RETRY_FLUSH_MS));
      throw new LookoutError('telemetry', 'OUTBOX_WRITE_FAILED', `outbox write failed: ${errorMessage(e)}`, { where: this.options.dir, cause: e });
    }
    if (this.failedFlushes >= MEMORY_DELIVERY_AFTER_FAILURES) this.logger.warn({ dir: this.options.dir }, 'outbox: writing again; records are durable again');
    this.failedFlushes = 0;

    let sendable = false;
    for (const r of batch.puts) {
      r.segment = segment;
      segment.notePut(r.id, r.frameBytes);
      this.written++;
      if (r.state === 'gone') {
        // Acknowledged or dropped while its batch was being written: its PUT is on disk now, so resolve it there.
        segment.releasePut(r.frameBytes);
        this.pendingResolves.push({ kind: r.resolvedAs, id: r.id, target: segment });
        this.scheduleFlush(false);
      } else if (r.state === 'pending') {
        this.index.markSendable(r);
        sendable = true;
      } // else: sent from memory while the disk failed, and now durable as well
    }
    for (const r of batch.resolves) r.target.addResolution(segment);
    if (sendable) this.emitReady();
    this.scheduleMaintenance();
  }

  /**
   * The disk keeps failing (full, or a dying card): records waiting for it become sendable anyway. They stay in
   * the write batch, so they become durable if the disk recovers before the broker acknowledges them; until
   * then a crash loses them, which is the price of delivering instead of holding everything back.
   */
  private deliverFromMemory(puts: readonly LiveRecord[]): void {
    let released = 0;
    for (const r of puts) {
      if (r.state !== 'pending') continue;
      this.index.markSendable(r);
      released++;
    }
    if (released === 0) return;
    if (this.failedFlushes === MEMORY_DELIVERY_AFTER_FAILURES) {
      this.logger.warn({ dir: this.options.dir, failedFlushes: this.failedFlushes }, 'outbox: the disk keeps failing; sending records from memory (not durable until a write succeeds)');
    }
    this.emitReady();
  }

  private scheduleMaintenance(): void {
    if (this.maintenanceQueued || !this.janitor.hasWork) return;
    this.maintenanceQueued = true;
    this.maintenanceTail = this.maintenanceTail
      .then(() => {
        this.maintenanceQueued = false;
        return this.janitor.run();
      })
      .then(
        () => undefined,
        (e: unknown) => {
          // Left for the next flush to try again; nothing is lost while a dead segment stays on disk. On a full
          // disk a compaction fails at every retry: warn at most every WARN_EVERY_MS.
          const now = this.clock.monoMs();
          if (now - this.lastCleanupWarnMs < WARN_EVERY_MS) return;
          this.lastCleanupWarnMs = now;
          this.logger.warn({ err: errorMessage(e) }, 'outbox: segment clean-up failed');
        },
      );
  }

  private scheduleFlush(urgent: boolean): void {
    if (this.lifecycle === 'open') this.timer.request(this.options.flushMs, urgent); // otherwise close() flushes
  }

  private emitReady(): void {
    if (this.readyQueued) return;
    this.readyQueued = true;
    queueMicrotask(() => {
      this.readyQueued = false;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (e) {
          // DESIGN 12: a listener's bug must not stop the outbox or the listeners after it.
          this.logger.error({ err: errorMessage(e) }, 'outbox: a ready listener threw');
        }
      }
    });
  }

  private notOpen(operation: string): LookoutError {
    const code = this.lifecycle === 'new' || this.lifecycle === 'opening' ? 'OUTBOX_NOT_OPEN' : 'OUTBOX_CLOSED';
    return new LookoutError('telemetry', code, `outbox ${operation} while ${this.lifecycle}`, { where: this.options.dir });
  }
}

function invalidOption(options: OutboxOptions): keyof OutboxOptions | undefined {
  if (typeof options.dir !== 'string' || options.dir === '') return 'dir';
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) return 'maxBytes';
  if (!Number.isSafeInteger(options.segmentBytes) || options.segmentBytes <= 0) return 'segmentBytes';
  if (!Number.isFinite(options.flushMs) || options.flushMs < 0) return 'flushMs';
  return undefined;
}
