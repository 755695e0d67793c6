/**
 * A small pool of equal-size frame buffers, so capture allocates nothing per frame in steady state.
 *
 * Each buffer owns a whole ArrayBuffer (never a slice of Node's shared Buffer slab): the detector transfers
 * frame buffers to its worker thread and back, and only a whole ArrayBuffer can be transferred.
 */
export interface FramePoolStats {
  /** Buffers created over the pool's life. */
  readonly allocated: number;
  /** Buffers created because the pool was empty when one was needed (after `prefill`). */
  readonly misses: number;
  /** Buffers waiting in the pool now. */
  readonly free: number;
  /** Buffers refused by `release` (wrong size, detached, or the pool already full). */
  readonly rejected: number;
}

export class FramePool {
  readonly byteLength: number;
  readonly capacity: number;
  private readonly freeList: Uint8Array<ArrayBuffer>[] = [];
  private allocated = 0;
  private misses = 0;
  private rejected = 0;

  /** `capacity`: how many free buffers the pool keeps; more released than that are left to the GC. */
  constructor(byteLength: number, capacity = 4) {
    this.byteLength = byteLength;
    this.capacity = capacity;
  }

  /** Fills the pool up to its capacity without counting misses (called when capture starts). */
  prefill(): void {
    while (this.freeList.length < this.capacity) {
      this.freeList.push(this.allocate());
    }
  }

  acquire(): Uint8Array<ArrayBuffer> {
    const buffer = this.freeList.pop();
    if (buffer !== undefined) return buffer;
    this.misses++;
    return this.allocate();
  }

  /** Returns true when the buffer was taken back into the pool. */
  release(buffer: Uint8Array): boolean {
    const backing = buffer.buffer;
    // Only a whole, unshared ArrayBuffer can be reused and transferred again. A transferred-away (detached)
    // buffer reads as 0 bytes; a view on part of a larger buffer is someone else's memory.
    const whole = backing instanceof ArrayBuffer && backing.byteLength === this.byteLength && buffer.byteLength === this.byteLength;
    if (!whole || this.freeList.length >= this.capacity) {
      this.rejected++;
      return false;
    }
    const own = buffer as Uint8Array<ArrayBuffer>;
    if (this.freeList.includes(own)) return false;
    this.freeList.push(own);
    return true;
  }

  get stats(): FramePoolStats {
    return { allocated: this.allocated, misses: this.misses, free: this.freeList.length, rejected: this.rejected };
  }

  private allocate(): Uint8Array<ArrayBuffer> {
    this.allocated++;
    return new Uint8Array(new ArrayBuffer(this.byteLength));
  }
}
