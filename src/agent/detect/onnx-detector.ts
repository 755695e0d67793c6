/**
 * The Detector port on the main thread, backed by onnxruntime-node in a worker thread (detect-worker.ts).
 *
 * One detect() at a time: a call while another is in flight is rejected with
 * LookoutError('inference', 'DETECT_BUSY') and its frame is left untouched. The pipeline keeps one frame in
 * flight and the newest pending (DESIGN.md), so a queue here would only hide a caller bug and grow without bound.
 *
 * Frames are transferred, not copied, when `frame.data` spans its whole ArrayBuffer (what camera adapters
 * deliver): `frame.data` is detached afterwards, and the worker transfers the buffer back with the result
 * (`DetectResult.frameData`) for the camera's frame pool. A view into a larger buffer is copied instead, since
 * transferring would take the rest of that buffer away from its owner; a SharedArrayBuffer is shared as is.
 * In both those cases `frameData` is the caller's own, untouched `frame.data`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LookoutError, errorMessage } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { Frame } from '../camera/frame.ts';
import type { DetectEngineOptions } from './detect-engine.ts';
import { checkFrame } from './frame-check.ts';
import { detectWorkerEntry } from './runtime-paths.ts';
import type { DetectResult, Detector, DetectorInfo } from './types.ts';
import { fromWireError, type DetectRequest, type FromWorker, type ToWorker } from './worker-protocol.ts';

export type OnnxDetectorOptions = DetectEngineOptions;

export interface OnnxDetectorDeps {
  readonly logger?: Logger;
  /** How long stop() waits for the worker to release the session before terminating it. */
  readonly stopTimeoutMs?: number;
}

interface Pending<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

interface InFlight extends Pending<DetectResult> {
  readonly id: number;
  readonly seq: number;
  readonly capturedAt: number;
  /** The caller's view when it was not transferred (copied or shared), else undefined. */
  readonly kept: Uint8Array | undefined;
}

export class OnnxDetector implements Detector {
  private worker: Worker | undefined;
  private info: DetectorInfo | undefined;
  private starting: Pending<DetectorInfo> | undefined;
  private inFlight: InFlight | undefined;
  private stopping: Promise<void> | undefined;
  private stopped: (() => void) | undefined;
  /** Why the worker is gone, when it died on its own. */
  private failure: Error | undefined;
  private nextId = 1;
  private readonly logger: Logger;

  constructor(private readonly options: OnnxDetectorOptions, private readonly deps: OnnxDetectorDeps = {}) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** The running detector's description, once start() has resolved. */
  get detectorInfo(): DetectorInfo | undefined {
    return this.info;
  }

  async start(): Promise<DetectorInfo> {
    if (this.worker !== undefined) throw new LookoutError('inference', 'ALREADY_STARTED', 'detector already started');
    this.failure = undefined;
    const options: DetectEngineOptions = { ...this.options, threads: this.options.threads ?? availableParallelism() };
    const entry = detectWorkerEntry();
    const worker = new Worker(entry.script, { eval: entry.eval, execArgv: entry.execArgv, name: 'lookout-detect' });
    this.worker = worker;
    worker.on('message', (msg: FromWorker) => {
      this.onMessage(msg);
    });
    worker.on('error', (e) => {
      this.onGone(new LookoutError('inference', 'WORKER_CRASHED', `detector worker crashed: ${errorMessage(e)}`, { cause: e }));
    });
    worker.on('exit', (code) => {
      this.onGone(new LookoutError('inference', 'WORKER_EXITED', `detector worker exited with code ${code}`));
    });
    const started = new Promise<DetectorInfo>((resolve, reject) => {
      this.starting = { resolve, reject };
    });
    this.post({ type: 'start', options });
    try {
      this.info = await started;
    } catch (e) {
      this.worker = undefined;
      await worker.terminate();
      throw e;
    }
    return this.info;
  }

  async detect(frame: Frame): Promise<DetectResult> {
    if (this.worker === undefined || this.info === undefined) {
      throw this.failure ?? new LookoutError('inference', 'NOT_STARTED', 'detect() before start() or after stop()');
    }
    if (this.inFlight !== undefined) {
      throw new LookoutError('inference', 'DETECT_BUSY',
        `frame ${frame.seq} arrived while frame ${this.inFlight.seq} is still being detected; keep one frame in flight`);
    }
    checkFrame(frame, `frame ${frame.seq}`);
    const id = this.nextId++;
    const d = frame.data;
    const whole = d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength;
    const shared = typeof SharedArrayBuffer !== 'undefined' && d.buffer instanceof SharedArrayBuffer;
    const data = whole || shared ? d : d.slice();
    const kept = whole ? undefined : d;
    const result = new Promise<DetectResult>((resolve, reject) => {
      this.inFlight = { id, seq: frame.seq, capturedAt: frame.capturedAt, kept, resolve, reject };
    });
    const msg: DetectRequest = {
      type: 'detect', id, seq: frame.seq, width: frame.width, height: frame.height, format: frame.format,
      buffer: data.buffer, byteOffset: data.byteOffset, byteLength: data.byteLength,
    };
    // Not shared means an ArrayBuffer: either the caller's whole buffer or the fresh copy.
    this.post(msg, shared ? [] : [data.buffer as ArrayBuffer]);
    return await result;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.stopping ??= (async () => {
      const done = new Promise<void>((resolve) => {
        this.stopped = resolve;
      });
      this.post({ type: 'stop' });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.deps.stopTimeoutMs ?? 5000);
      });
      await Promise.race([done, timeout]);
      clearTimeout(timer);
      this.worker = undefined;
      this.info = undefined;
      this.inFlight?.reject(new LookoutError('inference', 'STOPPED', 'detector stopped during detection'));
      this.inFlight = undefined;
      await worker.terminate();
    })();
    try {
      await this.stopping;
    } finally {
      this.stopping = undefined;
      this.stopped = undefined;
    }
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'log':
        this.logger[msg.level](msg.obj, msg.msg);
        return;
      case 'started':
        this.starting?.resolve(msg.info);
        this.starting = undefined;
        return;
      case 'start-failed':
        this.starting?.reject(fromWireError(msg.error));
        this.starting = undefined;
        return;
      case 'result': {
        const f = this.inFlight;
        if (f?.id !== msg.id) return;
        this.inFlight = undefined;
        const frameData = f.kept ?? new Uint8Array(msg.buffer);
        f.resolve({ seq: f.seq, capturedAt: f.capturedAt, detections: msg.output.detections, timings: msg.output.timings, frameData });
        return;
      }
      case 'detect-failed': {
        const f = this.inFlight;
        if (f?.id !== msg.id) return;
        this.inFlight = undefined;
        f.reject(fromWireError(msg.error));
        return;
      }
      case 'stopped':
        this.stopped?.();
        return;
    }
  }

  /** The worker crashed or exited: fail whatever waits on it; a later detect() reports why. */
  private onGone(e: LookoutError): void {
    this.stopped?.();
    if (this.stopping !== undefined) return;
    if (this.worker === undefined && this.starting === undefined) return;
    this.failure = e;
    this.logger.error({ code: e.code, err: e.message }, 'detector worker gone');
    this.worker = undefined;
    this.info = undefined;
    this.starting?.reject(e);
    this.starting = undefined;
    this.inFlight?.reject(e);
    this.inFlight = undefined;
  }
}
