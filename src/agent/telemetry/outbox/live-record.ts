/** A record the outbox holds in memory, from enqueue until it is acknowledged or dropped. */
import { KIND_DROP, type ResolveKind } from './frame-codec.ts';
import type { Segment } from './segment.ts';
import type { OutboxRecord, Priority } from './types.ts';

/**
 * pending: in the write batch, not yet durable; queued: durable and sendable; inflight: handed out by `next()`;
 * gone: acknowledged or dropped (stale references in the queues skip it).
 */
export type RecordState = 'pending' | 'queued' | 'inflight' | 'gone';

const EMPTY = new Uint8Array(0);

export class LiveRecord implements OutboxRecord {
  readonly id: number;
  readonly priority: Priority;
  /** Index of `priority` in PRIORITIES. */
  readonly rank: number;
  readonly topic: string;
  /** Let go once the record is gone (`release`): a stale queue entry must not keep a sample's bytes alive. */
  payload: Uint8Array;
  readonly enqueuedAt: number;
  /** UTF-8 length of the topic. */
  readonly topicBytes: number;
  state: RecordState;
  /** The segment holding its PUT frame, once written. */
  segment: Segment | undefined = undefined;
  /** Size of its PUT frame on disk. */
  frameBytes = 0;
  /** How it left, once gone: the frame that records that on disk. */
  resolvedAs: ResolveKind = KIND_DROP;

  constructor(id: number, priority: Priority, rank: number, topic: string, topicBytes: number, payload: Uint8Array, enqueuedAt: number, state: RecordState) {
    this.id = id;
    this.priority = priority;
    this.rank = rank;
    this.topic = topic;
    this.topicBytes = topicBytes;
    this.payload = payload;
    this.enqueuedAt = enqueuedAt;
    this.state = state;
  }

  /** What counts against `maxBytes`. */
  get bytes(): number {
    return this.topicBytes + this.payload.length;
  }

  /**
   * Drops the payload of a record that is gone. The queues remove by marking (ordered-queue.ts) and sweep
   * after hundreds of stale entries, so without this a stale entry would hold its payload (a sample JPEG is
   * tens of KB) until the sweep. Whoever is publishing it holds its own reference.
   */
  release(): void {
    this.payload = EMPTY;
  }
}
