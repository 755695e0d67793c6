import assert from 'node:assert/strict';
import { cpSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

/** Writes `count` events in two batches; returns the directory and the size of the last PUT frame. */
async function prepare(count: number): Promise<{ dir: string; lastFrame: number }> {
  const dir = tempDir();
  const outbox = await openOutbox(dir);
  for (let i = 0; i < count - 1; i++) outbox.enqueue('event', `e/${i}`, payloadFor(i));
  await outbox.flush();
  outbox.enqueue('event', 'e/last', payloadFor(99, 40));
  await outbox.close();
  // frame head 8 + PUT fields 20 + topic + payload
  return { dir, lastFrame: 8 + 20 + 'e/last'.length + 40 };
}

test('a last record torn at any byte is cut off; everything before it is kept and the outbox works on', async () => {
  const { dir, lastFrame } = await prepare(5);
  const [segment] = segmentFiles(dir);
  assert.ok(segment !== undefined);
  const size = statSync(join(dir, segment)).size;
  const frameStart = size - lastFrame;

  for (let cut = frameStart; cut < size; cut++) {
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    truncateSync(join(copy, segment), cut);
    const outbox = await openOutbox(copy);
    assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['e/0', 'e/1', 'e/2', 'e/3'], `cut at ${cut}`);
    assert.equal(outbox.lastRecovery?.truncatedBytes, cut - frameStart, `cut at ${cut}`);
    assert.equal(outbox.stats.corruptRecordsSkipped, 0, 'a torn tail is not bit rot');
    assert.equal(statSync(join(copy, segment)).size, frameStart, 'the file is truncated back to the last whole frame');
    if (cut === frameStart + 1) {
      // After the repair the outbox appends (in a new segment) and reads back cleanly.
      outbox.enqueue('alarm', 'after', payloadFor(7));
      await outbox.close();
      const again = await openOutbox(copy);
      assert.deepEqual(drainAll(again).map((r) => r.topic), ['after', 'e/0', 'e/1', 'e/2', 'e/3']);
      assert.equal(again.lastRecovery?.truncatedBytes, 0);
      await again.close();
    } else {
      await outbox.close();
    }
  }
});

test('a whole last record whose CRC fails is cut off as a torn write', async () => {
  const { dir, lastFrame } = await prepare(3);
  const [segment] = segmentFiles(dir);
  assert.ok(segment !== undefined);
  const path = join(dir, segment);
  const bytes = readFileSync(path);
  bytes[bytes.length - 3]! ^= 0x10; // one payload bit of the last record
  writeFileSync(path, bytes);
  const outbox = await openOutbox(dir);
  assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['e/0', 'e/1']);
  assert.equal(outbox.lastRecovery?.truncatedBytes, lastFrame);
  await outbox.close();
});
