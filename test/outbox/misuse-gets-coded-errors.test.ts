import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Outbox } from '../../src/agent/telemetry/outbox/outbox.ts';
import { isLookoutError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { manualClock, openOutbox, payloadFor, tempDir } from './support/helpers.ts';

const code = (expected: string, where?: string) => (e: unknown) => isLookoutError(e) && e.subsystem === 'telemetry' && e.code === expected && (where === undefined || e.where === where);

test('bad options, bad records and use outside open/close get LookoutErrors naming what is at fault', async () => {
  const deps = { clock: manualClock(), logger: silentLogger };
  const dir = tempDir();
  await assert.rejects(new Outbox({ dir, maxBytes: 0 }, deps).open(), code('OUTBOX_BAD_OPTION', 'maxBytes'));
  await assert.rejects(new Outbox({ dir, flushMs: -1 }, deps).open(), code('OUTBOX_BAD_OPTION', 'flushMs'));
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  await assert.rejects(new Outbox({ dir: join(file, 'outbox') }, deps).open(), code('OUTBOX_DIR_UNUSABLE', join(file, 'outbox')));

  const unopened = new Outbox({ dir }, deps);
  assert.throws(() => unopened.enqueue('event', 't', payloadFor(1)), code('OUTBOX_NOT_OPEN'));
  await unopened.close(); // closing an outbox never opened is fine

  const outbox = await openOutbox(dir, { maxBytes: 100 });
  assert.throws(() => outbox.enqueue('event', 'big', new Uint8Array(98)), code('OUTBOX_RECORD_TOO_LARGE', 'topic big'));
  assert.throws(() => outbox.enqueue('event', 'x'.repeat(70_000), new Uint8Array(0)), code('OUTBOX_TOPIC_TOO_LONG'));
  assert.equal(outbox.stats.depth, 0, 'refused records leave no trace');
  await assert.rejects(outbox.open(), code('OUTBOX_ALREADY_OPENED'));
  await outbox.close();
  assert.throws(() => outbox.enqueue('event', 't', payloadFor(1)), code('OUTBOX_CLOSED'));
  assert.deepEqual(outbox.next(5), []);
});
