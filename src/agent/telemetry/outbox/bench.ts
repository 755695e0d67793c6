/**
 * `benchOutbox(dir, n)`: how many records per second the outbox makes durable (enqueue + group commit) and
 * drains (next + ack, with the ACK frames made durable), on this machine's disk. For `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../clock.ts';
import { silentLogger } from '../../../log.ts';
import { Outbox } from './outbox.ts';
import type { Priority } from './types.ts';

export interface OutboxBenchOptions {
  /** Payload size; default 300 bytes, a typical event or stat JSON. */
  readonly payloadBytes?: number;
  /** Records per group commit; default 250 (a steady 1,000 records/s at the 250 ms flush interval). */
  readonly batch?: number;
}

export interface OutboxBenchResult {
  readonly records: number;
  /** Records made durable per second: enqueue + flush, wall time. */
  readonly writtenPerS: number;
  /** Records drained per second: next + ack, plus the flushes that make the ACKs durable. */
  readonly drainedPerS: number;
  /** Records per second through `enqueue` alone (no IO): the cost a producer pays. */
  readonly enqueuePerS: number;
  readonly flushes: number;
  /** Segment files left once everything was acknowledged (the newest is always kept). */
  readonly segmentsLeft: number;
}

const MIX: readonly Priority[] = ['event', 'stat', 'stat', 'sample'];

export async function benchOutbox(dir: string, n: number, options: OutboxBenchOptions = {}): Promise<OutboxBenchResult> {
  const payloadBytes = options.payloadBytes ?? 300;
  const batch = options.batch ?? 250;
  const payload = new Uint8Array(payloadBytes).map((_, i) => (i * 31 + 7) & 0xff);
  // flushMs far above the run time: only the explicit flushes below commit, so each commit holds `batch` records.
  const outbox = new Outbox({ dir, maxBytes: (payloadBytes + 64) * n + 1024, flushMs: 3_600_000 }, { clock: systemClock, logger: silentLogger });
  await outbox.open();
  let flushes = 0;
  let enqueueMs = 0;
  try {
    const writeStart = performance.now();
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + batch);
      const t = performance.now();
      for (; i < end; i++) outbox.enqueue(MIX[i % MIX.length]!, 'lookout/v1/dev/bench-1/stats', payload);
      enqueueMs += performance.now() - t;
      await outbox.flush();
      flushes++;
    }
    const writeMs = performance.now() - writeStart;

    const drainStart = performance.now();
    let drained = 0;
    for (let records = outbox.next(batch); records.length > 0; records = outbox.next(batch)) {
      for (const r of records) outbox.ack(r.id);
      drained += records.length;
      await outbox.flush();
      flushes++;
    }
    const drainMs = performance.now() - drainStart;
    if (drained !== n) throw new Error(`drained ${drained} of ${n} records`);
    return {
      records: n,
      writtenPerS: n / (writeMs / 1000),
      drainedPerS: n / (drainMs / 1000),
      enqueuePerS: n / (Math.max(enqueueMs, 1e-3) / 1000),
      flushes,
      segmentsLeft: outbox.stats.segments,
    };
  } finally {
    await outbox.close();
  }
}
