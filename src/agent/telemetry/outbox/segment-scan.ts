/**
 * Reads the frames of one segment file and says where it went wrong.
 *
 * A frame that fails its framing or CRC is either the torn end of an interrupted append (nothing valid after
 * it) or damage in the middle (bit rot on an SD card: valid frames follow). The scan resynchronises by trying
 * every following byte offset for a frame whose length, layout and CRC all hold; a CRC-32 match on random
 * bytes has odds of 2^-32, so a false resync is not a practical worry. Each damaged stretch counts as one
 * skipped record: how many records it held cannot be known.
 */
import { SEGMENT_HEADER_BYTES, decodeFrame, validFrameAt, type DecodedFrame } from './frame-codec.ts';

export interface SegmentScan {
  /** Damaged stretches skipped with valid frames after them. */
  readonly corruptStretches: number;
  /** Where the trailing bytes that hold no valid frame begin (the file length when there are none). */
  readonly validEnd: number;
}

/** Calls `onFrame` for every valid frame in file order. `bytes` must start with a checked header. */
export function scanSegment(bytes: Uint8Array, onFrame: (frame: DecodedFrame, pos: number, size: number) => void): SegmentScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = SEGMENT_HEADER_BYTES;
  let corruptStretches = 0;
  while (pos < bytes.length) {
    const size = validFrameAt(bytes, view, pos);
    if (size > 0) {
      onFrame(decodeFrame(bytes, view, pos, size), pos, size);
      pos += size;
      continue;
    }
    const next = nextValidFrame(bytes, view, pos + 1);
    if (next < 0) break;
    corruptStretches++;
    pos = next;
  }
  return { corruptStretches, validEnd: Math.min(pos, bytes.length) };
}

function nextValidFrame(bytes: Uint8Array, view: DataView, from: number): number {
  for (let p = from; p < bytes.length; p++) if (validFrameAt(bytes, view, p) > 0) return p;
  return -1;
}
