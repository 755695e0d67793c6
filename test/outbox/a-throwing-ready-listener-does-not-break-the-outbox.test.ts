import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../../src/log.ts';
import { openOutbox, payloadFor, tempDir } from './support/helpers.ts';

test('a ready listener that throws is logged; other listeners still run and the outbox carries on', async () => {
  const errors: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_obj, msg) => errors.push(msg ?? ''),
    child: () => logger,
  };
  const outbox = await openOutbox(tempDir(), {}, { logger });
  let calls = 0;
  outbox.on('ready', () => {
    throw new Error('a bug in the link');
  });
  const off = outbox.on('ready', () => {
    calls++;
  });

  outbox.enqueue('event', 'e/1', payloadFor(1));
  await outbox.flush();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls, 1, 'the listener after the throwing one ran');
  assert.equal(errors.length, 1);

  const [record] = outbox.next(1);
  assert.ok(record !== undefined);
  outbox.nack(record.id); // back to the queue: ready again
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls, 2);
  assert.equal(errors.length, 2);

  off();
  outbox.ack(outbox.next(1)[0]!.id);
  outbox.enqueue('alarm', 'a/1', payloadFor(2));
  await outbox.flush();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls, 2, 'unsubscribed');
  assert.deepEqual(outbox.next(5).map((r) => r.topic), ['a/1']);
  assert.equal(outbox.stats.acked, 1);
  await outbox.close();
});
