/**
 * One ingest replica for the ingest bench, in its own process (so two replicas can use two cores):
 *   node --import tsx scripts/bench/ingest-replica.ts BROKER_URL DB CLIENT_ID SHARE_GROUP
 * DB is a SQLite file, or a postgres:// URL.
 * Lines on stdin drive it: "start" connects and ingests, "stop" flushes and disconnects (the broker then
 * queues this replica's share for its session), "stored" asks how many rows it has written, "exit" ends. It
 * answers each with "ok <command>" ("ok stored <n>").
 */
import { createInterface } from 'node:readline';
import { linkConfigSchema } from '../../src/agent/telemetry/link/schema.ts';
import { Ingest } from '../../src/cloud/ingest/ingest.ts';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { PostgresStore } from '../../src/cloud/store/postgres-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';

const [url, db, clientId, shareGroup] = process.argv.slice(2);
if (url === undefined || db === undefined || clientId === undefined || shareGroup === undefined) {
  process.stderr.write('usage: ingest-replica.ts BROKER_URL DB_FILE CLIENT_ID SHARE_GROUP\n');
  process.exit(2);
}
const store = /^postgres(ql)?:\/\//.test(db)
  ? new PostgresStore({ connectionString: db, blobs: new FsBlobStore(`/tmp/lookout-bench-blobs-${process.pid}`), poolSize: 4 })
  : new SqliteStore({ path: db, blobs: new FsBlobStore(`${db}.blobs`), busyTimeoutMs: 10_000 });
await store.open();
let ingest: Ingest | undefined;
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = line.trim();
  if (command === 'start') {
    ingest = new Ingest({
      options: { mqtt: linkConfigSchema.parse({ url, protocol: 5, sessionExpiryS: 3600 }), clientId, shareGroup, batch: { maxRows: 500, maxDelayMs: 50 } },
      store,
    });
    await ingest.start();
    await ingest.ready();
  } else if (command === 'stop') {
    await ingest?.stop();
    ingest = undefined;
  } else if (command === 'stored') {
    process.stdout.write(`ok stored ${ingest?.counters().stored ?? 0}\n`);
    continue;
  } else if (command === 'exit') {
    break;
  }
  process.stdout.write(`ok ${command}\n`);
}
await ingest?.stop();
await store.close();
process.exit(0);
