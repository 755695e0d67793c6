import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingFs, manualTimers, nextReady, openOutbox, payloadFor, tempDir } from './support/helpers.ts';

test('everything enqueued within flushMs is one write and one fdatasync; an alarm flushes at once', async () => {
  const { fs, counts } = countingFs();
  const timers = manualTimers();
  const outbox = await openOutbox(tempDir(), { flushMs: 250 }, { fs, timers });

  // The first batch creates the segment file (plus a directory fsync); later ones only append.
  outbox.enqueue('event', 'warm-up', payloadFor(0));
  await outbox.flush();
  assert.deepEqual(counts, { writes: 1, datasyncs: 1, dirSyncs: 1, creates: 1 });
  outbox.next(1);

  for (let i = 0; i < 200; i++) outbox.enqueue(i % 2 ? 'stat' : 'sample', `t/${i}`, payloadFor(i));
  assert.deepEqual(timers.armed.map((t) => t.ms), [250], 'one timer for the whole batch');
  assert.equal(counts.writes, 1, 'enqueue never writes');
  assert.deepEqual(outbox.next(10), [], 'not sendable before the group commit');

  const ready = nextReady(outbox);
  timers.fireAll();
  await ready;
  assert.deepEqual(counts, { writes: 2, datasyncs: 2, dirSyncs: 1, creates: 1 });
  const sent = outbox.next(500);
  assert.equal(sent.length, 200);

  // Acknowledgements are batched the same way.
  for (const r of sent) outbox.ack(r.id);
  assert.equal(timers.armed.length, 1);
  assert.equal(counts.writes, 2);
  timers.fireAll();
  await outbox.flush();
  assert.deepEqual(counts, { writes: 3, datasyncs: 3, dirSyncs: 1, creates: 1 });

  // An alarm does not wait for flushMs: it re-arms the timer at 0, and the samples before it ride along.
  outbox.enqueue('sample', 'before-alarm', payloadFor(1));
  assert.deepEqual(timers.armed.map((t) => t.ms), [250]);
  outbox.enqueue('alarm', 'alarm', payloadFor(2));
  assert.deepEqual(timers.armed.map((t) => t.ms), [0]);
  outbox.enqueue('alarm', 'alarm-2', payloadFor(3));
  assert.deepEqual(timers.armed.map((t) => t.ms), [0], 'a second alarm in the same tick shares the flush');
  const alarmReady = nextReady(outbox);
  timers.fireAll();
  await alarmReady;
  assert.deepEqual(counts, { writes: 4, datasyncs: 4, dirSyncs: 1, creates: 1 });
  assert.deepEqual(outbox.next(10).map((r) => r.topic), ['alarm', 'alarm-2', 'before-alarm']);
  await outbox.close();
});
