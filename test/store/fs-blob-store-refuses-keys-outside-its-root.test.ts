import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { isLookoutError } from '../../src/errors.ts';

test('the filesystem blob store keeps blobs under its root and refuses keys that leave it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-blobs-'));
  try {
    const root = join(dir, 'root');
    const blobs = new FsBlobStore(root);
    await blobs.put('samples/d1/2026-01-01/a.jpg', new Uint8Array([1, 2, 3]));
    assert.deepEqual(await blobs.get('samples/d1/2026-01-01/a.jpg'), new Uint8Array([1, 2, 3]));
    assert.equal(await blobs.get('samples/d1/2026-01-01/b.jpg'), undefined);
    for (const key of ['../outside.jpg', 'a/../../outside.jpg', '/etc/passwd', 'a//b', '', 'a/./b', '..', 'a\\..\\b']) {
      await assert.rejects(blobs.put(key, new Uint8Array([9])), (e) => isLookoutError(e) && e.code === 'STORE_BAD_BLOB_KEY', key);
      await assert.rejects(blobs.get(key), (e) => isLookoutError(e) && e.code === 'STORE_BAD_BLOB_KEY', key);
    }
    assert.deepEqual(await readdir(dir), ['root'], 'nothing was written beside the root');
    await blobs.delete('samples/d1/2026-01-01/a.jpg');
    assert.equal(await blobs.get('samples/d1/2026-01-01/a.jpg'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
