import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { PostgresStore } from '../../src/cloud/store/postgres-store.ts';
import { Postgres } from '../support/postgres.ts';
import { storeContract } from './store-contract.ts';

let pg: Postgres | undefined;
const dir = await mkdtemp(join(tmpdir(), 'lookout-pgblobs-'));
// Not a skip: without PostgreSQL this fails with the message saying what to install.
before(async () => { pg = await Postgres.start(); });
after(async () => {
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});
let n = 0;

storeContract('PostgresStore', {
  async make() {
    if (pg === undefined) throw new Error('PostgreSQL did not start');
    const connectionString = await pg.createDatabase(`store_${++n}`);
    const blobs = new FsBlobStore(join(dir, `blobs-${n}`));
    const store = new PostgresStore({ connectionString, blobs, poolSize: 4 });
    await store.open();
    return { store, another: () => new PostgresStore({ connectionString, blobs, poolSize: 4 }) };
  },
});
