import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';
import { storeContract } from './store-contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'lookout-sqlite-'));
after(() => rm(dir, { recursive: true, force: true }));
let n = 0;

storeContract('SqliteStore', {
  async make() {
    const path = join(dir, `store-${++n}.db`);
    const blobs = new FsBlobStore(join(dir, `blobs-${n}`));
    const store = new SqliteStore({ path, blobs });
    await store.open();
    return { store, another: () => new SqliteStore({ path, blobs }) };
  },
});
