/**
 * Copies of the last few frames the camera delivered, for a new model's warm-up. It copies only while armed
 * (from the moment a manifest is accepted until the warm-up is done), into buffers it reuses, so a device with
 * no update in progress pays nothing per frame. The pipeline hands frames to listeners only for the length of
 * the call (the buffer then goes back to the camera's pool), hence the copies.
 */
import { frameByteLength, type PixelFormat } from '../camera/frame.ts';
import type { Timers } from '../../util/timers.ts';

export interface RecordedFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
}

export class FrameRecorder {
  private slots: RecordedFrame[] = [];
  private next = 0;
  private capacity = 0;
  private seen = 0;
  private waiter: { count: number; resolve: () => void } | undefined;

  get armed(): boolean {
    return this.capacity > 0;
  }

  /** Frames held (at most the armed count). */
  get count(): number {
    return this.slots.length;
  }

  /** Starts keeping the newest `count` frames. */
  arm(count: number): void {
    if (this.capacity === count) return;
    this.slots = [];
    this.next = 0;
    this.seen = 0;
    this.capacity = count;
  }

  /** Stops copying and lets the copies go. */
  disarm(): void {
    this.capacity = 0;
    this.slots = [];
    this.next = 0;
    this.waiter?.resolve();
    this.waiter = undefined;
  }

  /** A frame's pixels as the pipeline lends them (I420 by the listener contract; RGB24 told by its length). */
  offer(width: number, height: number, data: Uint8Array | undefined): void {
    if (this.capacity === 0 || data === undefined) return;
    const format: PixelFormat | undefined = data.byteLength === frameByteLength('i420', width, height)
      ? 'i420'
      : data.byteLength === frameByteLength('rgb24', width, height) ? 'rgb24' : undefined;
    if (format === undefined) return;
    const slot = this.slots[this.next];
    if (slot?.data.byteLength === data.byteLength) {
      slot.data.set(data);
      this.slots[this.next] = { data: slot.data, width, height, format };
    } else {
      this.slots[this.next] = { data: data.slice(), width, height, format };
    }
    this.next = (this.next + 1) % this.capacity;
    this.seen++;
    if (this.waiter !== undefined && this.seen >= this.waiter.count) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  /** The frames held, oldest first. */
  frames(): RecordedFrame[] {
    if (this.slots.length < this.capacity) return [...this.slots];
    return [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
  }

  /** Resolves true once `count` frames arrived since arming, false after `timeoutMs` or when disarmed first. */
  async waitFor(count: number, timeoutMs: number, timers: Timers): Promise<boolean> {
    if (this.seen >= count) return true;
    if (!this.armed) return false;
    this.waiter?.resolve();
    let handle: object | undefined;
    await new Promise<void>((resolve) => {
      this.waiter = { count, resolve };
      handle = timers.setTimeout(resolve, timeoutMs);
    });
    if (handle !== undefined) timers.clearTimeout(handle);
    this.waiter = undefined;
    return this.seen >= count;
  }
}
