import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, tempDir } from './support/helpers.ts';
import type { Priority } from '../../src/agent/telemetry/outbox/types.ts';

test('next() hands out durable records by priority, oldest first within a priority, and never twice', async () => {
  const outbox = await openOutbox(tempDir());
  const order: Priority[] = ['sample', 'stat', 'event', 'alarm', 'sample', 'event', 'stat', 'alarm', 'sample'];
  const ids = order.map((p, i) => outbox.enqueue(p, `t/${i}`, payloadFor(i)));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids increase');
  assert.deepEqual(outbox.next(10), [], 'nothing is sendable before it is durable');

  await outbox.flush();
  const first = outbox.next(3);
  const rest = drainAll(outbox);
  const expected = (['alarm', 'event', 'stat', 'sample'] as const).flatMap((p) => ids.filter((_, i) => order[i] === p));
  assert.deepEqual([...first, ...rest].map((r) => r.id), expected);
  assert.equal(first.length, 3, 'next(max) hands out at most max');
  assert.deepEqual(outbox.next(10), [], 'in-flight records are not handed out again');

  const byId = new Map([...first, ...rest].map((r) => [r.id, r]));
  for (const [i, id] of ids.entries()) {
    const r = byId.get(id)!;
    assert.equal(r.priority, order[i]);
    assert.equal(r.topic, `t/${i}`);
    assert.deepEqual(r.payload, payloadFor(i));
    assert.equal(r.enqueuedAt, 1_750_000_000_000);
  }
  await outbox.close();
});
