/**
 * The outbox's public types: what the MQTT link and the stats/samples producers code against.
 * Leaf module: only type imports.
 */

/** Drain order, highest first; drop order is the reverse. */
export const PRIORITIES = ['alarm', 'event', 'stat', 'sample'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface OutboxRecord {
  /** Unique and increasing over the outbox directory's life, across restarts. */
  readonly id: number;
  readonly priority: Priority;
  readonly topic: string;
  readonly payload: Uint8Array;
  /** Wall-clock ms when it was enqueued (kept across restarts, so a late send can say how late it is). */
  readonly enqueuedAt: number;
}

export interface OutboxStats {
  /** Records not yet acknowledged (waiting for a flush, sendable, or in flight). */
  depth: number;
  /** Their topic + payload bytes: what `maxBytes` bounds. */
  bytes: number;
  byPriority: Record<Priority, number>;
  /** Records dropped to stay under `maxBytes`, since open. */
  dropped: Record<Priority, number>;
  /** Records made durable (PUT frames fsynced), since open. */
  written: number;
  /** Records acknowledged, since open. */
  acked: number;
  /** Segment files in the directory now. */
  segments: number;
  /** Frames that failed their CRC or framing in the middle of a segment, found while opening. */
  corruptRecordsSkipped: number;
}

export interface OutboxOptions {
  dir: string;
  /** Bound on the queued topic + payload bytes; default 32 MiB. */
  maxBytes: number;
  /** How long an enqueued record may wait for the group commit; default 250 ms. Alarms do not wait. */
  flushMs: number;
  /** A new segment file is started once the current one has passed this size; default 4 MiB. */
  segmentBytes: number;
}

/** The options a caller must give; the rest take `OUTBOX_DEFAULTS`. */
export type OutboxInit = Pick<OutboxOptions, 'dir'> & Partial<OutboxOptions>;

export const OUTBOX_DEFAULTS = {
  maxBytes: 32 * 1024 * 1024,
  flushMs: 250,
  segmentBytes: 4 * 1024 * 1024,
} as const satisfies Omit<OutboxOptions, 'dir'>;

/** What `open()` found on disk; also logged. */
export interface OutboxRecovery {
  /** Segment files read. */
  segments: number;
  /** Unacknowledged records brought back into the queue. */
  records: number;
  /** Bad frames skipped in the middle of segments (bit rot). */
  corruptRecordsSkipped: number;
  /** Bytes cut from the end of the last segment (a write torn by power loss or SIGKILL). */
  truncatedBytes: number;
  /** Files with a missing or unknown header, renamed to `*.corrupt` (never deleted). */
  movedAside: string[];
  /** Segments deleted because every record in them had been acknowledged or dropped. */
  deletedSegments: number;
}

/** Timers, injectable for tests; the defaults are the global ones, unref'd so the outbox never holds the process open. */
export interface OutboxTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
