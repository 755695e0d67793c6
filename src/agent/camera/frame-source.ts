/**
 * The FrameSource port: what the pipeline consumes, whatever the camera is. Leaf module (types only).
 *
 * Contract shared by every adapter:
 * - frames are `i420`, tightly packed (see frame.ts): adapters strip any row padding first;
 * - `capturedAt` is read from the injected monotonic clock at the moment the LAST byte of the frame arrived
 *   in this process (for a capture process: when the stdout chunk holding it was delivered), so it includes
 *   the capture tool's own latency but none of ours;
 * - `seq` increases by one per complete frame over the source's whole life (restarts do not reset it);
 * - every complete frame is delivered promptly; dropping stale frames (latest-frame-wins) is the pipeline's job;
 * - frame buffers come from a pool: the consumer hands each one back with `release` when done with it.
 */
import type { Frame } from './frame.ts';

export interface FrameSourceStats {
  /** Complete frames delivered. */
  readonly captured: number;
  /** Capture restarts (watchdog, process death, or `restart()`). */
  readonly restarts: number;
  /** Partial frames discarded because the producer died or was killed mid-frame. */
  readonly shortReads: number;
  /** Monotonic time of the last delivered frame, or null before the first. */
  readonly lastFrameAt: number | null;
  /** Frame buffers allocated because the pool was empty (a consumer holding buffers too long). */
  readonly poolMisses: number;
}

export interface RestartedEvent {
  readonly reason: string;
  /** Consecutive failed runs so far (0 for a restart asked for with `restart()`). */
  readonly failures: number;
  /** How long the source waited before this restart. */
  readonly backoffMs: number;
}

export interface LostEvent {
  readonly reason: string;
  /** Restarts tried in a row before giving up. */
  readonly restarts: number;
}

export interface EndedEvent {
  /** Complete frames delivered by the finished input (a video file or image folder played once). */
  readonly frames: number;
}

export interface FrameSourceEvents {
  /** A new capture run has started after a failure or a `restart()` call. */
  restarted: RestartedEvent;
  /** The camera is gone: `maxRestarts` consecutive runs failed. The source stays stopped until `restart()`. */
  lost: LostEvent;
  /** A finite input reached its end (never emitted by cameras). */
  ended: EndedEvent;
}

export type FrameSourceEventName = keyof FrameSourceEvents;

export interface FrameSource {
  /** Short name of the adapter and device, for logs and status ("libcamera:0", "v4l2:/dev/video0"). */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly stats: FrameSourceStats;
  /**
   * Starts capturing; resolves once capture is under way (process spawned), not at the first frame.
   * Rejects with a LookoutError when the capture tool or input does not exist.
   */
  start(onFrame: (frame: Frame) => void): Promise<void>;
  /** Stops capturing and releases what `start()` acquired (the whole capture process group). Safe to call twice. */
  stop(): Promise<void>;
  /** Ends the current capture run and starts a new one now (also revives a lost source). */
  restart(reason: string): Promise<void>;
  /**
   * Hands a frame buffer back to the pool. Accepts the buffer transferred back from a worker thread (a new
   * view on the same memory); buffers of the wrong size or detached ones are dropped.
   */
  release(data: Uint8Array): void;
  /** Subscribes to an event; returns the unsubscribe function. A throwing listener is logged, never fatal. */
  on<E extends FrameSourceEventName>(event: E, listener: (e: FrameSourceEvents[E]) => void): () => void;
}
