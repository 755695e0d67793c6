/** A rollout world: SQLite store with two registered versions, a real mosquitto, a publisher, an observer. */
import { copyFileSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelPath } from '../../src/agent/detect/runtime-paths.ts';
import { fleetSchema, type FleetConfig } from '../../src/cloud/retrain/fleet-schema.ts';
import { CloudPublisher } from '../../src/cloud/rollout/publisher.ts';
import { Rollout, type RolloutStatus } from '../../src/cloud/rollout/rollout.ts';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';
import type { ModelRecord } from '../../src/cloud/store/store.ts';
import { generateKeyPair, verifySignedManifest } from '../../src/protocol/manifest-signature.ts';
import { groupModelTopic, type Manifest } from '../../src/protocol/index.ts';
import { linkConfig, Observer, teardown } from '../link/helpers.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { stats, status } from '../store/store-contract.ts';

export const keys = generateKeyPair('cloud-test');

export interface RolloutWorld {
  readonly store: SqliteStore;
  readonly observer: Observer;
  readonly fleet: FleetConfig;
  readonly v1: ModelRecord;
  readonly v2: ModelRecord;
  readonly changes: RolloutStatus[];
  clock: number;
  rollout(): Rollout;
  /** The newest retained manifest on a group's topic, verified. */
  manifest(group: string): Manifest | undefined;
  /** Stats of a device for a model version, every second over [from, to). */
  stats(deviceId: string, version: number, from: number, to: number, fps: number): Promise<void>;
}

export async function rolloutWorld(t: { after: (fn: () => Promise<void>) => void }): Promise<RolloutWorld> {
  const cleanup = teardown(t);
  const dir = mkdtempSync(join(tmpdir(), 'lookout-rollout-'));
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });
  const broker = await Mosquitto.start();
  cleanup(() => broker.stop());
  const store = new SqliteStore({ path: join(dir, 'cloud.db'), blobs: new FsBlobStore(join(dir, 'blobs')) });
  await store.open();
  cleanup(() => store.close());
  const publisher = new CloudPublisher({ mqtt: linkConfig(broker.url), clientId: 'cloud-pub' });
  await publisher.start();
  cleanup(() => publisher.stop());
  const observer = await Observer.connect(broker.url, ['lookout/v1/group/+/model']);
  cleanup(() => observer.close());

  const model = (version: number): ModelRecord => {
    const path = join(dir, `lookout-int8-${version}.onnx`);
    copyFileSync(defaultModelPath(), path);
    return {
      name: 'lookout-int8', version, path, size: statSync(path).size, labels: ['person', 'car', 'dog'], metrics: {},
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), createdAt: 0,
    };
  };
  const v1 = model(1);
  const v2 = model(2);
  const fleet = fleetSchema.parse({ group: 'yard', canaryGroup: 'yard-canary', rollout: { probationS: 60, maxFpsDrop: 0.3 } });
  const T0 = Date.UTC(2026, 5, 1);
  await store.upsertStatus(status('c1', T0, { group: 'yard-canary' }), T0);
  await store.upsertStatus(status('f1', T0, { group: 'yard' }), T0);
  const changes: RolloutStatus[] = [];
  const world: RolloutWorld = {
    store, observer, fleet, v1, v2, changes,
    clock: T0,
    rollout: () => new Rollout({
      store, publisher, key: { keyId: keys.keyId, privateKeyPem: keys.privateKeyPem }, publicUrl: 'http://cloud.example:8080',
      now: () => world.clock,
      onChange: (s) => { changes.push(s); return Promise.resolve(); },
    }, fleet, 'job-1', v2, v1),
    manifest: (group) => {
      const last = observer.json(groupModelTopic(group)).at(-1);
      return last === undefined ? undefined : verifySignedManifest(last, new Map([[keys.keyId, keys.publicKeyPem]]), new Date(world.clock));
    },
    async stats(deviceId, version, from, to, fps) {
      for (let ts = from; ts < to; ts += 1000) {
        await store.insertStats(stats(deviceId, ts, { fps, model: { name: 'lookout-int8', version } }), ts);
      }
    },
  };
  return world;
}
