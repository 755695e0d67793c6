/**
 * A FrameSource that replays pre-rendered I420 frames at a set rate: the cost of a camera whose capture runs
 * in another process (rpicam-vid, ffmpeg) is one copy out of a pipe, which is what this costs too, so the
 * benchmark measures the pipeline and not the synthetic renderer.
 */
import { performance } from 'node:perf_hooks';
import type { Frame } from '../../src/agent/camera/frame.ts';
import { FramePool } from '../../src/agent/camera/frame-pool.ts';
import type { FrameSource, FrameSourceStats } from '../../src/agent/camera/frame-source.ts';

export class ReplaySource implements FrameSource {
  readonly name = 'replay';
  private readonly pool: FramePool;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private captured = 0;
  private lastFrameAt: number | null = null;
  private onFrame: ((f: Frame) => void) | undefined;
  private next = 0;
  /** While paused the source delivers nothing (the benchmark alternates it with a raw run). */
  paused = false;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly frames: readonly Uint8Array[],
    private readonly fps: number,
  ) {
    this.pool = new FramePool(frames[0]!.length, 4);
  }

  get stats(): FrameSourceStats {
    return { captured: this.captured, restarts: 0, shortReads: 0, lastFrameAt: this.lastFrameAt, poolMisses: this.pool.stats.misses };
  }

  start(onFrame: (f: Frame) => void): Promise<void> {
    this.pool.prefill();
    this.onFrame = onFrame;
    this.next = performance.now();
    this.tick();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.onFrame = undefined;
    return Promise.resolve();
  }

  restart(): Promise<void> {
    return Promise.resolve();
  }

  release(data: Uint8Array): void {
    this.pool.release(data);
  }

  /** A replay never restarts, is never lost and never ends. */
  on(): () => void {
    return () => undefined;
  }

  private tick(): void {
    const onFrame = this.onFrame;
    if (onFrame === undefined) return;
    if (this.paused) {
      this.next = performance.now() + 1000 / this.fps;
      this.timer = setTimeout(() => {
        this.tick();
      }, 1000 / this.fps);
      return;
    }
    const data = this.pool.acquire();
    const seq = this.seq++;
    data.set(this.frames[seq % this.frames.length]!);
    const capturedAt = performance.now();
    this.captured++;
    this.lastFrameAt = capturedAt;
    onFrame({ data, width: this.width, height: this.height, format: 'i420', capturedAt, seq });
    this.next += 1000 / this.fps;
    this.timer = setTimeout(() => {
      this.tick();
    }, Math.max(0, this.next - performance.now()));
  }
}
