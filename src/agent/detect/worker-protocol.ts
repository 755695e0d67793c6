/**
 * Messages between OnnxDetector (main thread) and detect-worker.ts. Frames travel as a transferred
 * ArrayBuffer plus the view's offset and length; results come back as small plain objects.
 */
import { LookoutError, type Subsystem } from '../../errors.ts';
import type { PixelFormat } from '../camera/frame.ts';
import type { DetectEngineOptions, EngineOutput } from './detect-engine.ts';
import type { DetectorInfo } from './types.ts';

export interface StartRequest {
  readonly type: 'start';
  readonly options: DetectEngineOptions;
}

export interface DetectRequest {
  readonly type: 'detect';
  readonly id: number;
  readonly seq: number;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface StopRequest {
  readonly type: 'stop';
}

export type ToWorker = StartRequest | DetectRequest | StopRequest;

/** An Error as it survives structured cloning, with a LookoutError's code kept. */
export interface WireError {
  readonly message: string;
  readonly stack: string | undefined;
  readonly lookout: { readonly subsystem: Subsystem; readonly code: string; readonly where: string | undefined } | undefined;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromWorker =
  | { readonly type: 'started'; readonly info: DetectorInfo }
  | { readonly type: 'start-failed'; readonly error: WireError }
  /** `buffer` is the request's frame buffer, transferred back for reuse once preprocessing has read it. */
  | { readonly type: 'result'; readonly id: number; readonly output: EngineOutput; readonly buffer: ArrayBufferLike }
  | { readonly type: 'detect-failed'; readonly id: number; readonly error: WireError }
  | { readonly type: 'stopped' }
  | { readonly type: 'log'; readonly level: LogLevel; readonly obj: Record<string, unknown>; readonly msg: string };

export function toWireError(e: unknown): WireError {
  if (e instanceof LookoutError) {
    return { message: e.message, stack: e.stack, lookout: { subsystem: e.subsystem, code: e.code, where: e.where } };
  }
  if (e instanceof Error) return { message: e.message, stack: e.stack, lookout: undefined };
  return { message: String(e), stack: undefined, lookout: undefined };
}

export function fromWireError(w: WireError): Error {
  const e = w.lookout === undefined
    ? new Error(w.message)
    : new LookoutError(w.lookout.subsystem, w.lookout.code, w.message, w.lookout.where === undefined ? undefined : { where: w.lookout.where });
  // Keep the worker's stack: it says where the failure happened.
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}
