/**
 * The on-disk format of outbox segment files (docs/outbox.md has the byte tables).
 *
 *   segment = header frame*
 *   header  = "LKOB" (4 bytes) | version u16 LE (1) | flags u16 LE (0)
 *   frame   = length u32 LE | crc32(body) u32 LE | body[length]
 *   body    = PUT:  kind u8 (1) | id u64 LE | priority u8 | enqueuedAt f64 LE | topicLength u16 LE | topic utf8 | payload
 *           | ACK:  kind u8 (2) | id u64 LE
 *           | DROP: kind u8 (3) | id u64 LE
 *
 * Little-endian because every board the agent ships to (arm64, x86-64) is; the length before the CRC lets a
 * reader skip a frame without decoding it and tell a torn frame (length runs past the end) from a rotten one.
 */
import { PRIORITIES, type Priority } from './types.ts';
import { crc32 } from './crc32.ts';

export const SEGMENT_MAGIC = Uint8Array.of(0x4c, 0x4b, 0x4f, 0x42); // "LKOB"
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 8;
export const FRAME_HEAD_BYTES = 8;

export const KIND_PUT = 1;
export const KIND_ACK = 2;
export const KIND_DROP = 3;
export type ResolveKind = typeof KIND_ACK | typeof KIND_DROP;

const PUT_FIXED_BYTES = 1 + 8 + 1 + 8 + 2;
const RESOLVE_BODY_BYTES = 1 + 8;
/** The largest topic + payload one record may carry, whatever `maxBytes` is; also bounds what a reader trusts. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
export const MAX_TOPIC_BYTES = 0xffff;
const MAX_BODY_BYTES = PUT_FIXED_BYTES + MAX_RECORD_BYTES;
const TWO_32 = 2 ** 32;

export function putFrameBytes(topicBytes: number, payloadBytes: number): number {
  return FRAME_HEAD_BYTES + PUT_FIXED_BYTES + topicBytes + payloadBytes;
}

export const RESOLVE_FRAME_BYTES = FRAME_HEAD_BYTES + RESOLVE_BODY_BYTES;

export function writeSegmentHeader(buf: Buffer, offset: number): number {
  buf.set(SEGMENT_MAGIC, offset);
  buf.writeUInt16LE(SEGMENT_VERSION, offset + 4);
  buf.writeUInt16LE(0, offset + 6);
  return offset + SEGMENT_HEADER_BYTES;
}

/**
 * 'ok'; 'torn' when the file is shorter than a header and what there is matches one (power lost right after
 * the file was created); 'bad' otherwise (wrong magic, unknown version: not ours to interpret).
 */
export function checkSegmentHeader(bytes: Uint8Array): 'ok' | 'torn' | 'bad' {
  const expected = Buffer.alloc(SEGMENT_HEADER_BYTES);
  writeSegmentHeader(expected, 0);
  const n = Math.min(bytes.length, SEGMENT_HEADER_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] !== expected[i]) return 'bad';
  return bytes.length < SEGMENT_HEADER_BYTES ? 'torn' : 'ok';
}

function writeId(buf: Buffer, offset: number, id: number): void {
  buf.writeUInt32LE(id % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(id / TWO_32), offset + 4);
}

function readId(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * TWO_32;
}

function sealFrame(buf: Buffer, frameStart: number, end: number): number {
  const bodyStart = frameStart + FRAME_HEAD_BYTES;
  buf.writeUInt32LE(end - bodyStart, frameStart);
  buf.writeUInt32LE(crc32(buf, bodyStart, end), frameStart + 4);
  return end;
}

/** Writes a PUT frame at `offset`; `topicBytes` is the topic's UTF-8 length. Returns the offset after it. */
export function encodePut(
  buf: Buffer,
  offset: number,
  record: { readonly id: number; readonly priority: Priority; readonly enqueuedAt: number; readonly topic: string; readonly payload: Uint8Array },
  topicBytes: number,
): number {
  let p = offset + FRAME_HEAD_BYTES;
  buf[p] = KIND_PUT;
  writeId(buf, p + 1, record.id);
  buf[p + 9] = PRIORITIES.indexOf(record.priority);
  buf.writeDoubleLE(record.enqueuedAt, p + 10);
  buf.writeUInt16LE(topicBytes, p + 18);
  p += PUT_FIXED_BYTES;
  p += buf.write(record.topic, p, topicBytes, 'utf8');
  buf.set(record.payload, p);
  return sealFrame(buf, offset, p + record.payload.length);
}

export function encodeResolve(buf: Buffer, offset: number, kind: ResolveKind, id: number): number {
  const p = offset + FRAME_HEAD_BYTES;
  buf[p] = kind;
  writeId(buf, p + 1, id);
  return sealFrame(buf, offset, p + RESOLVE_BODY_BYTES);
}

/**
 * The total size of the valid frame starting at `pos`, or 0 when there is none there (too short, length out of
 * range, CRC mismatch, or a body whose layout does not match its kind).
 */
export function validFrameAt(bytes: Uint8Array, view: DataView, pos: number): number {
  if (bytes.length - pos < FRAME_HEAD_BYTES + 1) return 0;
  const length = view.getUint32(pos, true);
  const bodyStart = pos + FRAME_HEAD_BYTES;
  if (length < RESOLVE_BODY_BYTES || length > MAX_BODY_BYTES || length > bytes.length - bodyStart) return 0;
  const kind = bytes[bodyStart];
  if (kind === KIND_ACK || kind === KIND_DROP) {
    if (length !== RESOLVE_BODY_BYTES) return 0;
  } else if (kind === KIND_PUT) {
    if (length < PUT_FIXED_BYTES) return 0;
    if (bytes[bodyStart + 9]! >= PRIORITIES.length) return 0;
    if (view.getUint16(bodyStart + 18, true) > length - PUT_FIXED_BYTES) return 0;
  } else {
    return 0;
  }
  if (view.getUint32(bodyStart + 5, true) >= 2 ** 21) return 0; // the id must be a safe integer
  if (crc32(bytes, bodyStart, bodyStart + length) !== view.getUint32(pos + 4, true)) return 0;
  return FRAME_HEAD_BYTES + length;
}

export type DecodedFrame =
  | { readonly kind: typeof KIND_PUT; readonly id: number; readonly priority: Priority; readonly enqueuedAt: number; readonly topic: string; readonly payload: Uint8Array }
  | { readonly kind: ResolveKind; readonly id: number };

/** Decodes a frame that `validFrameAt` accepted. The payload is copied out of `bytes` into a plain Uint8Array. */
export function decodeFrame(bytes: Uint8Array, view: DataView, pos: number, size: number): DecodedFrame {
  const body = pos + FRAME_HEAD_BYTES;
  const kind = bytes[body]!;
  const id = readId(view, body + 1);
  if (kind !== KIND_PUT) return { kind: kind === KIND_ACK ? KIND_ACK : KIND_DROP, id };
  const topicBytes = view.getUint16(body + 18, true);
  const topicStart = body + PUT_FIXED_BYTES;
  return {
    kind: KIND_PUT,
    id,
    priority: PRIORITIES[bytes[body + 9]!]!,
    enqueuedAt: view.getFloat64(body + 10, true),
    topic: Buffer.from(bytes.buffer, bytes.byteOffset + topicStart, topicBytes).toString('utf8'),
    payload: new Uint8Array(bytes.subarray(topicStart + topicBytes, pos + size)),
  };
}
