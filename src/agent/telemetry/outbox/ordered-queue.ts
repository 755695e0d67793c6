/**
 * Records in id order with O(1) amortised push, peek and shift, and removal by marking: a record that leaves
 * by other means than `shift` stays in the array until it reaches the head or a sweep, and `isMember` tells
 * live entries from stale ones. Re-inserting (a nack) is a binary search, and O(1) when it goes back to the
 * front, which is the usual case (in-flight records are the oldest).
 */
import type { LiveRecord } from './live-record.ts';

export class OrderedQueue {
  /** Slots before `head` are cleared (undefined) so the GC can have their records before the next sweep. */
  private items: (LiveRecord | undefined)[] = [];
  private head = 0;
  private stale = 0;
  private readonly isMember: (record: LiveRecord) => boolean;

  constructor(isMember: (record: LiveRecord) => boolean) {
    this.isMember = isMember;
  }

  /** Appends a record whose id is higher than every id in the queue. */
  push(record: LiveRecord): void {
    this.items.push(record);
  }

  /** The member with the lowest id, left in place. */
  peek(): LiveRecord | undefined {
    this.skipStale();
    return this.items[this.head];
  }

  shift(): LiveRecord | undefined {
    this.skipStale();
    const record = this.items[this.head];
    if (record === undefined) return undefined;
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) this.sweep();
    return record;
  }

  /** Puts a record back in id order. */
  insert(record: LiveRecord): void {
    this.skipStale();
    const first = this.items[this.head];
    if (first === undefined || record.id < first.id) {
      if (this.head > 0) this.items[--this.head] = record;
      else this.items.unshift(record);
      return;
    }
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.id < record.id) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, record);
  }

  /** A member left other than by `shift` (acknowledged, dropped): sweep once enough stale entries pile up. */
  noteRemoved(): void {
    if (++this.stale > 256 && this.stale * 2 > this.items.length - this.head) this.sweep();
  }

  /** Every member, in id order. */
  members(): LiveRecord[] {
    const out: LiveRecord[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const record = this.items[i]!;
      if (this.isMember(record)) out.push(record);
    }
    return out;
  }

  private skipStale(): void {
    while (this.head < this.items.length && !this.isMember(this.items[this.head]!)) {
      this.items[this.head++] = undefined;
    }
    if (this.head === this.items.length && this.head > 0) {
      this.items.length = 0;
      this.head = 0;
    }
  }

  private sweep(): void {
    this.items = this.members();
    this.head = 0;
    this.stale = 0;
  }
}
