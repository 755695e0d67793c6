import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { drainAll, openOutbox, payloadFor, tempDir } from './support/helpers.ts';

test('segment files with a wrong header or an unknown version are renamed *.corrupt and reported; others still load', async () => {
  const dir = tempDir();
  const first = await openOutbox(dir);
  first.enqueue('alarm', 'a/1', payloadFor(1));
  first.enqueue('event', 'e/1', payloadFor(2));
  await first.close();
  const [good] = readdirSync(dir);
  assert.ok(good !== undefined);

  const garbage = randomBytes(4096);
  garbage.write('JUNK', 0);
  writeFileSync(join(dir, '0000000000000005.seg'), garbage);
  const futureVersion = readFileSync(join(dir, good));
  futureVersion.writeUInt16LE(9, 4);
  writeFileSync(join(dir, '0000000000000007.seg'), futureVersion);
  writeFileSync(join(dir, 'notes.txt'), 'not an outbox file');

  const outbox = await openOutbox(dir);
  assert.deepEqual(drainAll(outbox).map((r) => r.topic), ['a/1', 'e/1']);
  assert.deepEqual(outbox.lastRecovery?.movedAside, ['0000000000000005.seg.corrupt', '0000000000000007.seg.corrupt']);
  assert.deepEqual(readFileSync(join(dir, '0000000000000005.seg.corrupt')), garbage, 'kept byte for byte');
  assert.ok(readdirSync(dir).includes('notes.txt'), 'files that are not segments are left alone');
  const id = outbox.enqueue('event', 'e/2', payloadFor(3));
  assert.ok(id > 7, 'a corrupt file’s name is never reused');
  await outbox.close();

  const again = await openOutbox(dir);
  assert.deepEqual(again.lastRecovery?.movedAside, [], 'moved-aside files are not read again');
  assert.equal(drainAll(again).length, 3);
  await again.close();
});
