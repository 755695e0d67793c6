import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../../src/log.ts';
import type { Outbox } from '../../src/agent/telemetry/outbox/outbox.ts';
import { PRIORITIES } from '../../src/agent/telemetry/outbox/types.ts';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';
import { prng as seeded } from '../support/prng.ts';

/** A seeded generator (test/support/prng.ts): a failure replays from its seed. */
const prng = (seed: number): (() => number) => seeded(seed).next;

/** Every record held, in drain order, as comparable strings (id, priority, topic, payload). */
async function snapshot(outbox: Outbox): Promise<string[]> {
  await outbox.flush();
  outbox.requeueInFlight();
  const records = drainAll(outbox).map((r) => `${r.id} ${r.priority} ${r.topic} ${Buffer.from(r.payload).toString('base64')}`);
  outbox.requeueInFlight();
  return records;
}

test('random enqueues, acks, nacks, drops and flushes: each reopen finds exactly what the outbox held at close', async () => {
  const seed = 20_241_126;
  const random = prng(seed);
  const dir = tempDir();
  let compactions = 0;
  const logger: Logger = {
    debug: () => undefined,
    info: (_obj, msg) => {
      if (msg?.includes('compacted') === true) compactions++;
    },
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  // Small bounds so records are dropped, segments rotate every few batches, and a long "disconnection" with
  // alarms pinned among dropped samples makes compaction run.
  const options = { maxBytes: 3000, segmentBytes: 400 };
  let expected: string[] = [];
  let maxSegments = 0;
  for (let cycle = 0; cycle < 25; cycle++) {
    const outbox = await openOutbox(dir, options, { logger });
    assert.deepEqual(await snapshot(outbox), expected, `cycle ${cycle} (seed ${seed})`);
    assert.equal(outbox.stats.corruptRecordsSkipped, 0);
    for (let step = 0; step < 120; step++) {
      const op = random();
      if (op < 0.5) {
        const priority = PRIORITIES[Math.floor(random() * PRIORITIES.length)]!;
        const tag = Math.floor(random() * 1e6);
        outbox.enqueue(priority, `t/${priority}/${tag}`, payloadFor(tag, 10 + Math.floor(random() * 300)));
      } else if (op < 0.75) {
        for (const r of outbox.next(Math.floor(random() * 6))) {
          const ackChance = r.priority === 'alarm' ? 0.1 : 0.6;
          if (random() < ackChance) outbox.ack(r.id);
          else if (random() < 0.5) outbox.nack(r.id);
        }
      } else if (op < 0.95) {
        await outbox.flush();
      } else {
        outbox.requeueInFlight();
      }
      maxSegments = Math.max(maxSegments, segmentFiles(dir).length);
    }
    expected = await snapshot(outbox);
    await outbox.close();
  }
  assert.ok(compactions > 0, 'compaction ran');
  assert.ok(maxSegments < 40, `the directory stays bounded (${maxSegments} segments at most)`);
});
