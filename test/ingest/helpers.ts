/** Shared pieces of the ingest tests: a real mosquitto, a SQLite store in a temp dir, replicas, a publisher. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { Ingest, type IngestOptions } from '../../src/cloud/ingest/ingest.ts';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';
import type { Logger } from '../../src/log.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { linkConfig, teardown } from '../link/helpers.ts';

export interface IngestWorld {
  readonly broker: Mosquitto;
  readonly store: SqliteStore;
  readonly dir: string;
  replica(clientId: string, overrides?: Partial<IngestOptions>, logger?: Logger): Promise<Ingest>;
  publisher(): Promise<MqttClient>;
}

export async function ingestWorld(t: { after: (fn: () => Promise<void>) => void }): Promise<IngestWorld> {
  const cleanup = teardown(t);
  const dir = await mkdtemp(join(tmpdir(), 'lookout-ingest-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  const broker = await Mosquitto.start();
  cleanup(() => broker.stop());
  const store = new SqliteStore({ path: join(dir, 'cloud.db'), blobs: new FsBlobStore(join(dir, 'blobs')) });
  await store.open();
  cleanup(() => store.close());
  return {
    broker,
    store,
    dir,
    async replica(clientId, overrides = {}, logger) {
      const ingest = new Ingest({
        options: { mqtt: linkConfig(broker.url, { protocol: 5 }), clientId, shareGroup: 'cloud', batch: { maxRows: 200, maxDelayMs: 20 }, ...overrides },
        store,
        ...(logger && { logger }),
      });
      await ingest.start();
      cleanup(() => ingest.stop());
      await ingest.ready();
      return ingest;
    },
    async publisher() {
      const client = connect(broker.url, { protocolVersion: 5, clientId: `pub-${Math.random().toString(36).slice(2)}` });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => { resolve(); });
        client.once('error', reject);
      });
      cleanup(() => client.endAsync());
      return client;
    },
  };
}
