import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutboxFs } from '../../src/agent/telemetry/outbox/fs-port.ts';
import { nodeOutboxFs } from '../../src/agent/telemetry/outbox/fs-port.ts';
import { isLookoutError } from '../../src/errors.ts';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

test('a failed fdatasync fails that flush; the batch is written again in a new segment and nothing is doubled', async () => {
  let failNextSync = false;
  const fs: OutboxFs = {
    ...nodeOutboxFs,
    async create(path) {
      const file = await nodeOutboxFs.create(path);
      return {
        write: (data, offset, length) => file.write(data, offset, length),
        datasync: async () => {
          if (failNextSync) {
            failNextSync = false;
            throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          }
          await file.datasync();
        },
        truncate: (n) => file.truncate(n),
        close: () => file.close(),
      };
    },
  };
  const dir = tempDir();
  const outbox = await openOutbox(dir, {}, { fs });
  outbox.enqueue('event', 'e/1', payloadFor(1));
  await outbox.flush();
  outbox.enqueue('event', 'e/2', payloadFor(2));
  outbox.enqueue('alarm', 'a/1', payloadFor(3));
  failNextSync = true;
  await assert.rejects(outbox.flush(), (e: unknown) => isLookoutError(e) && e.code === 'OUTBOX_WRITE_FAILED' && e.where === dir);
  assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['e/1'], 'the failed batch is not sendable');
  await outbox.flush();
  assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['a/1', 'e/2']);
  assert.equal(segmentFiles(dir).length, 2, 'the retry went to a new segment');
  await outbox.close();

  const reopened = await openOutbox(dir);
  assert.deepEqual(drainAll(reopened).map((r) => r.topic), ['a/1', 'e/1', 'e/2']);
  assert.equal(reopened.stats.corruptRecordsSkipped, 0, 'the failed batch was cut off the first segment');
  await reopened.close();
});
