/**
 * Reads an ONNX file's top level (ModelProto, onnx/onnx.proto) with a minimal protobuf reader: enough to tell
 * "not an ONNX file" from "truncated ONNX file" with a byte offset before onnxruntime sees it, and to get
 * `metadata_props` (field 14), which onnxruntime-node 1.30 does not expose. The graph (field 7) is only
 * bounds-checked, never parsed.
 *
 * Protobuf encoding: https://protobuf.dev/programming-guides/encoding/ (tag = field << 3 | wire type;
 * wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32; 3/4 are groups, which ONNX never uses).
 */
import { readFile } from 'node:fs/promises';
import { LookoutError, errorMessage } from '../../errors.ts';

export interface OnnxOpset {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxModelHeader {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly opsets: readonly OnnxOpset[];
  readonly metadata: ReadonlyMap<string, string>;
}

/** ModelProto field numbers and their wire types (onnx.proto, ModelProto). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
  [26, 2], // configuration
]);
/** Field numbers past this are not ONNX (the schema stays far below it); random bytes usually land here. */
const MAX_FIELD = 100;
/** Highest IR version believed plausible; onnx 1.17 writes 10. */
const MAX_IR_VERSION = 100;

class Malformed extends Error {
  constructor(readonly offset: number, message: string, readonly truncated = false) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8');

class ProtoReader {
  pos: number;
  constructor(private readonly buf: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    const at = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Malformed(at, `varint at byte ${at} runs past the end`, true);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Malformed(at, `varint at byte ${at} is longer than 10 bytes`);
  }

  /** Returns [start, end) of a length-delimited payload and moves past it. */
  bytes(field: number): [number, number] {
    const at = this.pos;
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) {
      throw new Malformed(at, `field ${field} at byte ${at} declares ${len} bytes but only ${this.end - start} remain`, true);
    }
    this.pos = start + len;
    return [start, start + len];
  }

  string(field: number): string {
    const [s, e] = this.bytes(field);
    return utf8.decode(this.buf.subarray(s, e));
  }

  skip(field: number, wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
      case 5: {
        const n = wire === 1 ? 8 : 4;
        if (this.end - this.pos < n) throw new Malformed(this.pos, `field ${field} at byte ${this.pos} runs past the end`, true);
        this.pos += n;
        return;
      }
      case 2:
        this.bytes(field);
        return;
      default:
        throw new Malformed(this.pos, `field ${field} has wire type ${wire}, which ONNX never uses`);
    }
  }
}

function readOpset(buf: Uint8Array, start: number, end: number): OnnxOpset {
  const r = new ProtoReader(buf, start, end);
  let domain = '';
  let version = 0;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === 2) domain = r.string(field);
    else if (field === 2 && wire === 0) version = r.varint();
    else r.skip(field, wire);
  }
  return { domain, version };
}

function readEntry(buf: Uint8Array, start: number, end: number): [string, string] {
  const r = new ProtoReader(buf, start, end);
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === 2) key = r.string(field);
    else if (field === 2 && wire === 2) value = r.string(field);
    else r.skip(field, wire);
  }
  return [key, value];
}

/** Parses the ModelProto top level; throws LookoutError('model', MODEL_NOT_ONNX | MODEL_CORRUPT). */
export function parseOnnxHeader(buf: Uint8Array, where: string): OnnxModelHeader {
  if (buf.byteLength === 0) throw new LookoutError('model', 'MODEL_NOT_ONNX', 'empty file, not an ONNX model', { where });
  let irVersion: number | undefined;
  let producerName = '';
  let producerVersion = '';
  let hasGraph = false;
  const opsets: OnnxOpset[] = [];
  const metadata = new Map<string, string>();
  const r = new ProtoReader(buf, 0, buf.byteLength);
  try {
    while (!r.done) {
      const at = r.pos;
      const tag = r.varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0 || field > MAX_FIELD) throw new Malformed(at, `byte ${at} holds field number ${field}, not a ModelProto field`);
      const expectedWire = MODEL_FIELDS.get(field);
      if (expectedWire !== undefined && expectedWire !== wire) {
        throw new Malformed(at, `ModelProto field ${field} at byte ${at} has wire type ${wire}, expected ${expectedWire}`);
      }
      switch (field) {
        case 1:
          irVersion = r.varint();
          if (irVersion < 1 || irVersion > MAX_IR_VERSION) throw new Malformed(at, `ir_version ${irVersion} at byte ${at} is not plausible`);
          break;
        case 2:
          producerName = r.string(field);
          break;
        case 3:
          producerVersion = r.string(field);
          break;
        case 7:
          r.bytes(field);
          hasGraph = true;
          break;
        case 8: {
          const [s, e] = r.bytes(field);
          opsets.push(readOpset(buf, s, e));
          break;
        }
        case 14: {
          const [s, e] = r.bytes(field);
          const [k, v] = readEntry(buf, s, e);
          metadata.set(k, v);
          break;
        }
        default:
          r.skip(field, wire);
      }
    }
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    // A truncated file still starts like an ONNX model; anything else never was one.
    if (e.truncated && irVersion !== undefined) {
      throw new LookoutError('model', 'MODEL_CORRUPT', `truncated ONNX model (${buf.byteLength} bytes): ${e.message}`, { where });
    }
    throw new LookoutError('model', 'MODEL_NOT_ONNX', `not an ONNX model: ${e.message}`, { where });
  }
  if (irVersion === undefined) throw new LookoutError('model', 'MODEL_NOT_ONNX', 'not an ONNX model: no ir_version (ModelProto field 1)', { where });
  if (!hasGraph) throw new LookoutError('model', 'MODEL_CORRUPT', `ONNX model without a graph (ModelProto field 7; truncated at byte ${buf.byteLength}?)`, { where });
  if (opsets.length === 0) throw new LookoutError('model', 'MODEL_CORRUPT', `ONNX model without opset_import (ModelProto field 8; truncated at byte ${buf.byteLength}?)`, { where });
  return { irVersion, producerName, producerVersion, opsets, metadata };
}

export interface OnnxModelFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly header: OnnxModelHeader;
}

/** Reads and checks a model file; the bytes go to onnxruntime as they are, so the file is read once. */
export async function readOnnxModelFile(path: string): Promise<OnnxModelFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LookoutError('model', 'MODEL_NOT_FOUND', 'model file not found', { where: path, cause: e });
    if (code === 'EISDIR') throw new LookoutError('model', 'MODEL_NOT_ONNX', 'is a directory, not an ONNX model', { where: path, cause: e });
    throw new LookoutError('model', 'MODEL_UNREADABLE', `cannot read model file: ${errorMessage(e)}`, { where: path, cause: e });
  }
  return { path, bytes, header: parseOnnxHeader(bytes, path) };
}
