/**
 * What the link needs from the durable outbox (`telemetry/outbox/`): the outbox orders records (alarms
 * first) and keeps them across restarts; the link only takes, acknowledges and gives back. A port rather
 * than the class, so the link depends on the contract alone.
 */
import type { OutboxRecord } from '../outbox/types.ts';

export type { OutboxRecord, Priority as OutboxPriority } from '../outbox/types.ts';

export interface OutboxPort {
  /** Up to `max` records, highest priority first, marked in flight (not returned again until nacked). */
  next(max: number): OutboxRecord[];
  /** Delivered: forget it. */
  ack(id: number): void;
  /** Not delivered: back to the queue in its place. */
  nack(id: number): void;
  /** The connection is gone: every record in flight goes back to the queue. */
  requeueInFlight(): void;
  /** Called when records become available; returns the unsubscribe function. */
  on(event: 'ready', listener: () => void): () => void;
}
