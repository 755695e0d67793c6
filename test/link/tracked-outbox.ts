/**
 * The real durable outbox in a temp dir, wrapped to record what the link did with it (which ids it acked,
 * how many records it holds in flight), so the tests can assert on the link's side of the contract.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../src/agent/telemetry/outbox/outbox.ts';
import type { OutboxPort, OutboxPriority, OutboxRecord } from '../../src/agent/telemetry/link/outbox-port.ts';
import { systemClock } from '../../src/agent/clock.ts';
import { silentLogger } from '../../src/log.ts';

export class TrackedOutbox implements OutboxPort {
  /** Ids the link acknowledged, in order. */
  readonly acked: number[] = [];
  private readonly inFlight = new Set<number>();

  private constructor(
    private readonly outbox: Outbox,
    private readonly dir: string,
  ) {}

  /** A fresh outbox that commits every couple of milliseconds, so tests do not wait on group commits. */
  static async open(): Promise<TrackedOutbox> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-link-outbox-'));
    const outbox = new Outbox({ dir, flushMs: 2 }, { clock: systemClock, logger: silentLogger });
    await outbox.open();
    return new TrackedOutbox(outbox, dir);
  }

  /** Opens one and registers its closing with the test's teardown. */
  static async openFor(cleanup: (step: () => unknown) => void): Promise<TrackedOutbox> {
    const outbox = await TrackedOutbox.open();
    cleanup(() => outbox.close());
    return outbox;
  }

  enqueue(priority: OutboxPriority, topic: string, payload: Uint8Array): number {
    return this.outbox.enqueue(priority, topic, payload);
  }

  next(max: number): OutboxRecord[] {
    const records = this.outbox.next(max);
    for (const record of records) this.inFlight.add(record.id);
    return records;
  }

  ack(id: number): void {
    if (this.inFlight.delete(id)) this.acked.push(id);
    this.outbox.ack(id);
  }

  nack(id: number): void {
    this.inFlight.delete(id);
    this.outbox.nack(id);
  }

  requeueInFlight(): void {
    this.inFlight.clear();
    this.outbox.requeueInFlight();
  }

  on(event: 'ready', listener: () => void): () => void {
    return this.outbox.on(event, listener);
  }

  /** Records not yet acknowledged (queued, waiting for a commit, or in flight). */
  get depth(): number {
    return this.outbox.stats.depth;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async close(): Promise<void> {
    await this.outbox.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
