import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, segmentFiles, tempDir } from './support/helpers.ts';

const PER_BATCH = 5;
const FRAME = 8 + 20 + 'e/00'.length + 24; // frame head + PUT fields + topic + payload
const HEADER = 8;

/** 20 events in batches of 5; 200-byte segments, so each batch is a segment of PUT frames only. */
async function prepare(): Promise<{ dir: string; segments: string[] }> {
  const dir = tempDir();
  const outbox = await openOutbox(dir, { segmentBytes: 200 });
  for (let i = 0; i < 20; i++) {
    outbox.enqueue('event', `e/${String(i).padStart(2, '0')}`, payloadFor(i));
    if ((i + 1) % PER_BATCH === 0) await outbox.flush();
  }
  await outbox.close();
  const segments = segmentFiles(dir);
  assert.equal(segments.length, 4);
  return { dir, segments };
}

function flip(path: string, offset: number, mask: number): void {
  const bytes = readFileSync(path);
  bytes[offset]! ^= mask;
  writeFileSync(path, bytes);
}

test('bit rot in the middle of segments: the damaged records are skipped and counted, the rest is read', async () => {
  const { dir, segments } = await prepare();
  const size = (name: string): number => readFileSync(join(dir, name)).length;
  const sizes = segments.map(size);
  // Segment 0, record 1: a payload bit (CRC mismatch). Segment 1, record 2: the length field (resync needed).
  // Segment 2, record 4: its last record, but segment 2 is not the last file, so this is rot, not a torn write.
  // Segment 3 (the last file), record 0: valid records follow, so this is rot too.
  flip(join(dir, segments[0]!), HEADER + 1 * FRAME + FRAME - 1, 0x01);
  flip(join(dir, segments[1]!), HEADER + 2 * FRAME + 1, 0x40);
  flip(join(dir, segments[2]!), HEADER + 4 * FRAME + 12, 0x80);
  flip(join(dir, segments[3]!), HEADER + 0 * FRAME + 9, 0x02);

  const outbox = await openOutbox(dir);
  const lost = [1, 7, 14, 15];
  const expected = Array.from({ length: 20 }, (_, i) => i).filter((i) => !lost.includes(i));
  const back = drainAll(outbox);
  assert.deepEqual(back.map((r) => r.topic), expected.map((i) => `e/${String(i).padStart(2, '0')}`));
  for (const r of back) assert.deepEqual(r.payload, payloadFor(Number(r.topic.slice(2))));
  assert.equal(outbox.stats.corruptRecordsSkipped, 4);
  assert.equal(outbox.lastRecovery?.truncatedBytes, 0);
  assert.deepEqual(segments.map(size), sizes, 'damaged files are left as they are');
  await outbox.close();
});
