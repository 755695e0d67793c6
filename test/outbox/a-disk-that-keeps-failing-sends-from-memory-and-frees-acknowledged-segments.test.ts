import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutboxFs } from '../../src/agent/telemetry/outbox/fs-port.ts';
import { nodeOutboxFs } from '../../src/agent/telemetry/outbox/fs-port.ts';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

/** A disk whose writes fail with ENOSPC while `full` is set (unlinks still work, as on a real full disk). */
function fullableFs(): { fs: OutboxFs; setFull(v: boolean): void } {
  let full = false;
  const fs: OutboxFs = {
    ...nodeOutboxFs,
    async create(path) {
      const file = await nodeOutboxFs.create(path);
      return {
        write: async (data, offset, length) => {
          if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          return file.write(data, offset, length);
        },
        datasync: () => file.datasync(),
        truncate: (n) => file.truncate(n),
        close: () => file.close(),
      };
    },
  };
  return { fs, setFull: (v) => (full = v) };
}

test('a disk that keeps failing: records go out from memory after three failed flushes, acknowledged segments are deleted, nothing acked comes back', async () => {
  const dir = tempDir();
  const disk = fullableFs();
  const outbox = await openOutbox(dir, { segmentBytes: 1 }, { fs: disk.fs });
  const onDisk = [outbox.enqueue('event', 'e/1', payloadFor(1)), outbox.enqueue('event', 'e/2', payloadFor(2))];
  await outbox.flush();
  assert.equal(segmentFiles(dir).length, 1);

  disk.setFull(true);
  const alarm = outbox.enqueue('alarm', 'a/1', payloadFor(3));
  const failures: string[] = [];
  for (let i = 0; i < 2; i++) await outbox.flush().catch((e: unknown) => failures.push(String(e)));
  assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['e/1', 'e/2'], 'two failures: only durable records are sendable');
  for (const id of onDisk) outbox.ack(id);
  await outbox.flush().catch((e: unknown) => failures.push(String(e)));
  assert.equal(failures.length, 3);
  assert.match(failures[0]!, /ENOSPC/);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the clean-up the failed flush scheduled
  assert.deepEqual(segmentFiles(dir), [], 'the acknowledged segment is gone although its ACK frames could not be written');
  const sent = drainAll(outbox);
  assert.deepEqual(sent.map((r) => r.id), [alarm], 'the third failure releases the alarm from memory');

  outbox.ack(alarm);
  const late = outbox.enqueue('event', 'e/3', payloadFor(4));
  disk.setFull(false);
  await outbox.flush();
  assert.deepEqual(drainAll(outbox).map((r) => r.id), [late], 'durable again: a new record is sendable after its write');
  await outbox.close();

  const reopened = await openOutbox(dir);
  assert.deepEqual(drainAll(reopened).map((r) => r.topic), ['e/3'], 'nothing acknowledged is revived');
  assert.ok(reopened.enqueue('event', 'e/4', payloadFor(5)) > late, 'ids keep growing');
  await reopened.close();
});
