import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

test('a last segment torn inside its header (created, never written) is removed; the others are read', async () => {
  const dir = tempDir();
  const first = await openOutbox(dir);
  for (let i = 0; i < 3; i++) first.enqueue('event', `e/${i}`, payloadFor(i));
  await first.close();
  for (let length = 0; length < 8; length++) {
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const header = readFileSync(join(dir, segmentFiles(dir)[0]!)).subarray(0, length);
    writeFileSync(join(copy, '0000000000000900.seg'), header);
    const outbox = await openOutbox(copy);
    assert.equal(drainAll(outbox).length, 3, `header cut at ${length}`);
    assert.deepEqual(outbox.lastRecovery?.movedAside, []);
    assert.deepEqual(segmentFiles(copy), segmentFiles(dir));
    assert.ok(outbox.enqueue('event', 'x', payloadFor(1)) > 900, 'ids continue above every name seen');
    await outbox.close();
  }
});
