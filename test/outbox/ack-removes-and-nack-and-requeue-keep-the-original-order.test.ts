import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openOutbox, payloadFor, tempDir } from './support/helpers.ts';

test('ack removes a record; nack and requeueInFlight put records back where they were', async () => {
  const outbox = await openOutbox(tempDir());
  const e = [1, 2, 3, 4, 5].map((i) => outbox.enqueue('event', `e/${i}`, payloadFor(i)));
  const s = [6, 7].map((i) => outbox.enqueue('sample', `s/${i}`, payloadFor(i)));
  await outbox.flush();

  const sent = outbox.next(3).map((r) => r.id);
  assert.deepEqual(sent, e.slice(0, 3));
  outbox.ack(e[0]!);
  outbox.nack(e[2]!);
  assert.equal(outbox.stats.depth, 6);
  assert.equal(outbox.stats.acked, 1);
  assert.deepEqual(outbox.next(2).map((r) => r.id), [e[2], e[3]], 'a nacked record goes back before younger ones');

  // In flight now: e[1], e[2], e[3]. A disconnect puts them all back in id order, ahead of e[4].
  outbox.requeueInFlight();
  assert.deepEqual(outbox.next(10).map((r) => r.id), [e[1], e[2], e[3], e[4], s[0], s[1]]);

  for (const id of [...e, ...s]) outbox.ack(id);
  outbox.ack(e[0]!); // a duplicate PUBACK is harmless
  outbox.nack(e[1]!); // so is a late nack of an acknowledged record
  assert.deepEqual(outbox.next(10), []);
  assert.equal(outbox.stats.depth, 0);
  assert.equal(outbox.stats.bytes, 0);
  assert.equal(outbox.stats.acked, 7);
  await outbox.close();
});
