import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, priorityOf, tempDir } from './support/helpers.ts';

test('after close and reopen the unacknowledged records come back exactly, acknowledged ones never', async () => {
  const dir = tempDir();
  const first = await openOutbox(dir, { segmentBytes: 2048 });
  const ids: number[] = [];
  for (let i = 0; i < 200; i++) {
    ids.push(first.enqueue(priorityOf(i), `lookout/v1/dev/a/${priorityOf(i)}/${i}`, payloadFor(i, 10 + (i % 50))));
    if (i % 37 === 0) await first.flush();
  }
  await first.flush();
  const acked = new Set<number>();
  for (const r of first.next(120)) {
    if (r.id % 3 !== 0) {
      first.ack(r.id);
      acked.add(r.id);
    }
  }
  const unsent = ids.filter((id) => !acked.has(id));
  // Records still in flight at close are not acknowledged: they must come back too. Two more, never flushed
  // explicitly, are made durable by close().
  const late = [first.enqueue('alarm', 'late/1', payloadFor(1000)), first.enqueue('sample', 'late/2', payloadFor(1001))];
  await first.close();
  await first.close(); // idempotent

  const second = await openOutbox(dir, { segmentBytes: 2048 });
  const back = drainAll(second);
  assert.deepEqual(back.map((r) => r.id).sort((a, b) => a - b), [...unsent, ...late].sort((a, b) => a - b));
  for (const r of back) {
    const i = ids.indexOf(r.id);
    if (i < 0) continue;
    assert.equal(r.priority, priorityOf(i));
    assert.equal(r.topic, `lookout/v1/dev/a/${priorityOf(i)}/${i}`);
    assert.deepEqual(r.payload, payloadFor(i, 10 + (i % 50)));
  }
  assert.equal(second.lastRecovery?.records, unsent.length + late.length);
  const next = second.enqueue('event', 'after', payloadFor(5));
  assert.ok(next > Math.max(...ids, ...late), 'ids continue after the highest id seen');
  await second.close();
});
