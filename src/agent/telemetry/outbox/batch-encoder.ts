/**
 * Encodes one group-commit batch into a single buffer (one allocation per flush, none per record), leaving
 * room at the front for a segment header in case the batch starts a new file.
 */
import {
  RESOLVE_FRAME_BYTES,
  SEGMENT_HEADER_BYTES,
  encodePut,
  encodeResolve,
  putFrameBytes,
  type ResolveKind,
} from './frame-codec.ts';
import type { LiveRecord } from './live-record.ts';
import type { Segment } from './segment.ts';

/** An ACK or DROP frame waiting for the next batch; `target` holds the record's PUT. */
export interface PendingResolve {
  readonly kind: ResolveKind;
  readonly id: number;
  readonly target: Segment;
}

export interface EncodedBatch {
  /** Frames from `SEGMENT_HEADER_BYTES` to `end`; the bytes before are reserved for a header. */
  readonly bytes: Buffer;
  readonly end: number;
  /** The lowest record id in the batch, if it has PUTs. */
  readonly firstId: number | undefined;
  /** The records and resolutions actually encoded (gone records and resolutions of deleted segments are skipped). */
  readonly puts: LiveRecord[];
  readonly resolves: PendingResolve[];
}

/** Undefined when nothing in the batch still needs writing. Sets each encoded record's `frameBytes`. */
export function encodeBatch(puts: readonly LiveRecord[], resolves: readonly PendingResolve[]): EncodedBatch | undefined {
  let size = SEGMENT_HEADER_BYTES;
  const keptPuts: LiveRecord[] = [];
  const keptResolves: PendingResolve[] = [];
  for (const r of puts) {
    if (r.state === 'gone') continue; // acknowledged or dropped before it was ever written: nothing to undo
    keptPuts.push(r);
    size += putFrameBytes(r.topicBytes, r.payload.length);
  }
  for (const r of resolves) {
    if (r.target.deleted) continue; // the PUT's file is gone already
    keptResolves.push(r);
    size += RESOLVE_FRAME_BYTES;
  }
  if (size === SEGMENT_HEADER_BYTES) return undefined;

  const bytes = Buffer.allocUnsafe(size);
  let end = SEGMENT_HEADER_BYTES;
  for (const r of keptPuts) {
    const start = end;
    end = encodePut(bytes, end, r, r.topicBytes);
    r.frameBytes = end - start;
  }
  for (const r of keptResolves) end = encodeResolve(bytes, end, r.kind, r.id);
  return { bytes, end, firstId: keptPuts[0]?.id, puts: keptPuts, resolves: keptResolves };
}
