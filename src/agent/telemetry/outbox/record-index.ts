/**
 * The in-memory side of the outbox: every live record by id, by priority in age order (drop candidates), the
 * sendable ones by priority, and the in-flight set, with the counts and bytes `stats` reports. No IO.
 */
import type { LiveRecord } from './live-record.ts';
import { OrderedQueue } from './ordered-queue.ts';
import { PRIORITIES } from './types.ts';

export class RecordIndex {
  private readonly live = new Map<number, LiveRecord>();
  /** Per priority rank: every live record, oldest first. */
  private readonly byAge = PRIORITIES.map(() => new OrderedQueue((r) => r.state !== 'gone'));
  /** Per priority rank: durable records waiting to be sent, oldest first. */
  private readonly sendable = PRIORITIES.map(() => new OrderedQueue((r) => r.state === 'queued'));
  private readonly inFlight = new Set<LiveRecord>();
  /** Live records per priority rank. */
  readonly counts: number[] = PRIORITIES.map(() => 0);
  /** Topic + payload bytes of the live records. */
  bytes = 0;

  get size(): number {
    return this.live.size;
  }

  get(id: number): LiveRecord | undefined {
    return this.live.get(id);
  }

  /** Adds a record with an id above every id added before ('pending' or 'queued'). */
  add(record: LiveRecord): void {
    this.live.set(record.id, record);
    this.byAge[record.rank]!.push(record);
    if (record.state === 'queued') this.sendable[record.rank]!.push(record);
    this.counts[record.rank]!++;
    this.bytes += record.bytes;
  }

  /** A pending record became durable: it joins the back of its priority's send queue. */
  markSendable(record: LiveRecord): void {
    record.state = 'queued';
    this.sendable[record.rank]!.push(record);
  }

  /** The oldest live record of a priority rank. */
  oldest(rank: number): LiveRecord | undefined {
    return this.byAge[rank]!.peek();
  }

  /** Takes the record out of every structure and marks it gone. */
  remove(record: LiveRecord): void {
    const was = record.state;
    record.state = 'gone';
    this.live.delete(record.id);
    this.inFlight.delete(record);
    this.counts[record.rank]!--;
    this.bytes -= record.bytes;
    this.byAge[record.rank]!.noteRemoved();
    if (was === 'queued') this.sendable[record.rank]!.noteRemoved();
  }

  /** Up to `max` sendable records, highest priority first, oldest first within one; they become in flight. */
  take(max: number): LiveRecord[] {
    const out: LiveRecord[] = [];
    for (const queue of this.sendable) {
      while (out.length < max) {
        const record = queue.shift();
        if (record === undefined) break;
        record.state = 'inflight';
        this.inFlight.add(record);
        out.push(record);
      }
    }
    return out;
  }

  /** Puts an in-flight record back in its original place; false if it was not in flight. */
  requeue(record: LiveRecord): boolean {
    if (!this.inFlight.delete(record)) return false;
    record.state = 'queued';
    this.sendable[record.rank]!.insert(record);
    return true;
  }

  /** Puts every in-flight record back; returns how many. */
  requeueAll(): number {
    const records = [...this.inFlight].sort((a, b) => a.id - b.id);
    for (const record of records) this.requeue(record);
    return records.length;
  }
}
