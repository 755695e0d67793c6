import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

const name = (seq: number): string => `${String(seq).padStart(16, '0')}.seg`;

test('dead segments are deleted, but never one holding the ACK for a record of an older segment still on disk', async () => {
  const dir = tempDir();
  // segmentBytes 1: every batch starts a new segment, named by its first record id.
  const outbox = await openOutbox(dir, { segmentBytes: 1 });
  const r1 = outbox.enqueue('event', 'r1', payloadFor(1));
  const r2 = outbox.enqueue('event', 'r2', payloadFor(2));
  await outbox.flush(); // segment 1: PUT r1, PUT r2
  const r3 = outbox.enqueue('event', 'r3', payloadFor(3));
  const r4 = outbox.enqueue('event', 'r4', payloadFor(4));
  await outbox.flush(); // segment 3: PUT r3, PUT r4
  for (const id of [r2, r3, r4]) outbox.ack(id);
  const r5 = outbox.enqueue('event', 'r5', payloadFor(5));
  await outbox.flush(); // segment 5: PUT r5, ACK r2, ACK r3, ACK r4; segment 3 is dead and goes
  outbox.ack(r5);
  const r6 = outbox.enqueue('event', 'r6', payloadFor(6));
  await outbox.flush(); // segment 6: PUT r6, ACK r5. Segment 5 has no live PUT but holds ACK r2 for segment 1.
  await outbox.close();
  assert.deepEqual(segmentFiles(dir), [name(1), name(5), name(6)]);

  const second = await openOutbox(dir, { segmentBytes: 1 });
  assert.deepEqual(drainAll(second).map((r) => r.topic), ['r1', 'r6'], 'r2 stays acknowledged');
  second.ack(r1);
  await second.close(); // segment 7: ACK r1. Now segment 1 goes, which frees segment 5 as well.
  assert.deepEqual(segmentFiles(dir), [name(6), name(7)]);

  const third = await openOutbox(dir, { segmentBytes: 1 });
  assert.deepEqual(drainAll(third).map((r) => r.id), [r6]);
  third.ack(r6);
  await third.close();
  assert.deepEqual(segmentFiles(dir), [name(8)], 'only the newest segment, which keeps the id sequence, is left');

  const fourth = await openOutbox(dir, { segmentBytes: 1 });
  assert.equal(fourth.stats.depth, 0);
  assert.ok(fourth.enqueue('event', 'r9', payloadFor(9)) > r6);
  await fourth.close();
});
