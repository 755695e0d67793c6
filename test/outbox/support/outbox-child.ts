/**
 * Child process for the SIGKILL test: opens the outbox in argv[2] and, until killed, enqueues records, takes a
 * few as if sending them, acknowledges most of those, and flushes. After each flush resolves it prints
 * `durable <id>:<tag> ...` (records enqueued before that flush) and `acked <id> ...` (acks made before it).
 * Before acknowledging it prints `acking <id> ...`: if the kill comes between the two, the ACK may or may not
 * have reached the disk, and the parent accepts either.
 * Priority, topic and payload are functions of the tag (childRecord), so the parent can check every byte.
 */
import { randomInt } from 'node:crypto';
import { nodeOutboxFs, type OutboxFs } from '../../../src/agent/telemetry/outbox/fs-port.ts';
import { Outbox } from '../../../src/agent/telemetry/outbox/outbox.ts';
import { systemClock } from '../../../src/agent/clock.ts';
import { silentLogger } from '../../../src/log.ts';
import { childRecord } from './helpers.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: outbox-child.ts <dir>');

// Short writes (POSIX allows write(2) to take fewer bytes than asked) of at most 4 KiB: a batch then takes
// several system calls, so kills land inside batches and leave torn tails, not only between batches.
const shortWrites: OutboxFs = {
  ...nodeOutboxFs,
  async create(path) {
    const file = await nodeOutboxFs.create(path);
    return {
      write: (data, offset, length) => file.write(data, offset, Math.min(length, 4096)),
      datasync: () => file.datasync(),
      truncate: (n) => file.truncate(n),
      close: () => file.close(),
    };
  },
};

// Small segments so kills also land during rotation and deletion; a short timer so timer flushes and alarm
// flushes interleave with the explicit ones.
const outbox = new Outbox({ dir, segmentBytes: 8 * 1024, maxBytes: 256 * 1024 * 1024, flushMs: 3 }, { clock: systemClock, logger: silentLogger, fs: shortWrites });
await outbox.open();
process.stdout.write(`open ${outbox.stats.depth}\n`);

for (let round = 0; ; round++) {
  const durable: string[] = [];
  const acked: number[] = [];
  for (let i = 0, n = 1 + (round % 17); i < n; i++) {
    const tag = randomInt(2 ** 30);
    const { priority, topic, payload } = childRecord(tag);
    durable.push(`${outbox.enqueue(priority, topic, payload)}:${tag}`);
  }
  for (const r of outbox.next(round % 29)) {
    if ((r.id + round) % 4 === 0) outbox.nack(r.id);
    else acked.push(r.id);
  }
  process.stdout.write(`acking ${acked.join(' ')}\n`);
  for (const id of acked) outbox.ack(id);
  await outbox.flush();
  process.stdout.write(`durable ${durable.join(' ')}\nacked ${acked.join(' ')}\n`);
}
