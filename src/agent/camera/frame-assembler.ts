/**
 * Cuts a capture tool's stdout byte stream into frames of exactly `layout.frameBytes`, whatever the chunk
 * sizes (a pipe read may hold half a frame, or the end of one frame and several more).
 *
 * Tight layouts are read straight into pool buffers; padded ones go through one reused staging buffer and are
 * stripped into a pool buffer. Nothing else is allocated per frame.
 */
import type { FramePool } from './frame-pool.ts';
import { isTight, stripI420Padding, type I420Layout } from './i420-layout.ts';

export type AssembledFrameHandler = (data: Uint8Array, capturedAt: number) => void;

export class FrameAssembler {
  private readonly tight: boolean;
  /** Where incoming bytes go: a pool buffer (tight layout) or the staging buffer (padded layout). */
  private target: Uint8Array | undefined;
  private staging: Buffer | undefined;
  private filled = 0;

  constructor(
    private readonly layout: I420Layout,
    private readonly pool: FramePool,
    private readonly now: () => number,
    private readonly onFrame: AssembledFrameHandler,
  ) {
    this.tight = isTight(layout);
  }

  /** Bytes of the frame in progress. */
  get pending(): number {
    return this.filled;
  }

  push(chunk: Buffer): void {
    // Every frame completed by this chunk had its last byte arrive with it: one clock read per chunk.
    const arrivedAt = this.now();
    const frameBytes = this.layout.frameBytes;
    let offset = 0;
    while (offset < chunk.length) {
      this.target ??= this.tight ? this.pool.acquire() : (this.staging ??= Buffer.alloc(frameBytes));
      const n = Math.min(chunk.length - offset, frameBytes - this.filled);
      // Buffer#copy takes offsets: no view object per chunk.
      chunk.copy(this.target, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === frameBytes) {
        this.filled = 0;
        this.onFrame(this.complete(), arrivedAt);
      }
    }
  }

  /** Drops the frame in progress (its producer died); returns true when there was one. */
  reset(): boolean {
    const partial = this.filled > 0;
    this.filled = 0;
    return partial;
  }

  /** Drops the frame in progress and hands its buffer back to the pool. */
  dispose(): void {
    this.reset();
    if (this.target !== undefined && this.tight) this.pool.release(this.target);
    this.target = undefined;
  }

  private complete(): Uint8Array {
    if (this.tight) {
      const data = this.target!;
      this.target = undefined;
      return data;
    }
    const data = this.pool.acquire();
    stripI420Padding(this.staging!, this.layout, data);
    return data;
  }
}
