/**
 * Worker-thread entry: runs the DetectEngine so that onnxruntime's session.run(), which blocks its thread for
 * the whole inference, never blocks the main event loop. Handles one message at a time, in order.
 * Bundled separately as dist/detect-worker.mjs (see runtime-paths.ts).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { DetectEngine } from './detect-engine.ts';
import { toWireError, type FromWorker, type LogLevel, type ToWorker } from './worker-protocol.ts';

if (parentPort === null) throw new Error('detect-worker.ts must run in a worker thread');
const port = parentPort;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function portLogger(bindings: Record<string, unknown>): Logger {
  const emit = (level: LogLevel) => (obj: object | string, msg?: string): void => {
    if (typeof obj === 'string') post({ type: 'log', level, obj: { ...bindings }, msg: obj });
    else post({ type: 'log', level, obj: { ...bindings, ...obj }, msg: msg ?? '' });
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (more) => portLogger({ ...bindings, ...more }),
  };
}

let engine: DetectEngine | undefined;

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'start':
      try {
        engine = await DetectEngine.open(msg.options, portLogger({}));
        post({ type: 'started', info: engine.info });
      } catch (e) {
        post({ type: 'start-failed', error: toWireError(e) });
      }
      return;
    case 'detect':
      try {
        if (engine === undefined) throw new Error('detect before start');
        const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        const output = await engine.detect({ data, width: msg.width, height: msg.height, format: msg.format }, `frame ${msg.seq}`);
        // Hand the frame buffer back (transferred again) so the camera's pool can reuse it.
        post({ type: 'result', id: msg.id, output, buffer: msg.buffer }, msg.buffer instanceof ArrayBuffer ? [msg.buffer] : []);
      } catch (e) {
        post({ type: 'detect-failed', id: msg.id, error: toWireError(e) });
      }
      return;
    case 'stop': {
      const e = engine;
      engine = undefined;
      try {
        await e?.close();
      } finally {
        post({ type: 'stopped' });
      }
      return;
    }
  }
}

// Messages are chained so a detect never overlaps the start or stop before it.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg)).catch((e: unknown) => {
    post({ type: 'log', level: 'error', obj: { err: errorMessage(e) }, msg: 'detect worker: message handling failed' });
  });
});
