/**
 * One contract every Store passes (STYLE 4: one suite run against every store). `make` gives a fresh, opened
 * store on an empty database each time; `reopen` a second instance over the same database and blobs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import type { EventPayload, StatsPayload, StatusPayload } from '../../src/protocol/index.ts';
import type { SampleMeta, Store } from '../../src/cloud/store/store.ts';

/** A store that can say which migrations it has applied. */
export type MigratedStore = Store & { migrationVersions(): Promise<number[]> };

export interface StoreHarness {
  /** A new, opened store on an empty database, and a factory for more instances over the same database. */
  make: () => Promise<{ store: MigratedStore; another: () => MigratedStore }>;
}

const T0 = Date.UTC(2026, 0, 1);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

export function status(deviceId: string, ts: number, extra: Partial<StatusPayload> = {}): StatusPayload {
  return { v: 1, deviceId, state: 'online', ts, group: 'g1', agentVersion: '0.1.0', model: { name: 'det', version: 3 }, provider: 'cpu', ...extra };
}

export function stats(deviceId: string, ts: number, extra: Partial<StatsPayload> = {}): StatsPayload {
  const p = { p50: 10, p95: 20, p99: 30, count: 5 };
  return {
    v: 1, deviceId, ts, intervalS: 10, fps: 10, frames: { captured: 100, processed: 99, dropped: 1 },
    inferenceMs: p, glassToGpioMs: { ...p, p95: 40 }, cpuTempC: 50, throttled: 0, memory: { rssMb: 100, heapMb: 50 },
    outbox: { depth: 2, bytes: 100, dropped: 0 }, provider: 'cpu', model: { name: 'det', version: 3 },
    classes: { person: { count: 4, meanScore: 0.5, hist: [0, 0, 0, 0, 4, 0, 0, 0, 0, 0] } }, ...extra,
  };
}

export function event(deviceId: string, id: string, ts: number): EventPayload {
  return { v: 1, deviceId, id, ts, kind: 'fired', priority: 'alarm', rule: 'r1', detections: [{ label: 'person', score: 0.9, box: [1, 2, 3, 4] }] };
}

function sample(deviceId: string, id: string, ts: number): SampleMeta {
  return { v: 1, deviceId, id, ts, reason: 'uncertain', width: 64, height: 48, predictions: [], model: { name: 'det', version: 3 } };
}

const live = { now: T0 + 60_000, staleAfterMs: 30_000 };

const hasCode = (code: string) => (e: unknown): boolean => isLookoutError(e) && e.code === code;

export function storeContract(name: string, harness: StoreHarness): void {
  const withStore = (title: string, fn: (s: MigratedStore, another: () => MigratedStore) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const { store, another } = await harness.make();
      try {
        await fn(store, another);
      } finally {
        await store.close();
      }
    });
  };

  withStore('migrations apply once and opening again is idempotent', async (store, another) => {
    assert.deepEqual(await store.migrationVersions(), [1, 2, 3]);
    const a = another();
    const b = another();
    await Promise.all([a.open(), b.open()]);
    await store.upsertStatus(status('d1', T0), T0);
    assert.equal((await a.listDevices({ limit: 10, offset: 0, ...live })).length, 1);
    await Promise.all([a.close(), b.close()]);
    await store.close();
    await store.open();
    assert.deepEqual(await store.migrationVersions(), [1, 2, 3]);
  });

  withStore('device status, state and stats round trip into the fleet table', async (store) => {
    await store.upsertStatus(status('d1', T0 + 1000, { reason: 'x' }), T0 + 1000);
    await store.upsertStatus(status('d1', T0, { state: 'degraded' }), T0 + 2000); // older: only last seen moves
    await store.upsertState({ v: 1, deviceId: 'd1', ts: T0, rules: { r1: { active: true, enabled: true } }, outputs: { relay: true } });
    await store.upsertState({ v: 1, deviceId: 'd1', ts: T0 - 1, rules: {}, outputs: { relay: false } }); // older: ignored
    assert.equal(await store.insertStats(stats('d1', T0 + 3000, { fps: 12.5, cpuTempC: 61 }), T0 + 40_000), true);
    assert.equal(await store.insertStats(stats('d1', T0 + 2000, { fps: 1 }), T0 + 39_000), true); // late: kept in the series only
    await store.upsertStatus(status('d2', T0, { group: 'g2' }), T0);
    const d1 = await store.getDevice('d1', live);
    assert.ok(d1);
    assert.equal(d1.state, 'online');
    assert.equal(d1.reason, 'x');
    assert.equal(d1.modelVersion, 3);
    assert.equal(d1.provider, 'cpu');
    assert.equal(d1.lastFps, 12.5);
    assert.equal(d1.lastCpuTempC, 61);
    assert.equal(d1.lastGlassToGpioP95Ms, 40);
    assert.equal(d1.lastOutboxDepth, 2);
    assert.equal(d1.lastSeen, T0 + 40_000);
    assert.deepEqual(d1.outputs, { relay: true });
    assert.deepEqual(d1.rules, { r1: { active: true, enabled: true } });
    assert.equal(d1.status!.ts, T0 + 1000);
    const g2 = await store.listDevices({ group: 'g2', limit: 10, offset: 0, ...live });
    assert.deepEqual(g2.map((d) => d.deviceId), ['d2']);
    const page = await store.listDevices({ limit: 1, offset: 1, ...live });
    assert.deepEqual(page.map((d) => d.deviceId), ['d2']);
    assert.equal(await store.getDevice('nope', live), undefined);
  });

  withStore('a last will overrides the statuses of its own connection, never those of a later one', async (store) => {
    const will = (connectedAt: number) => status('d1', connectedAt, { state: 'offline', reason: 'last-will', connectedAt });
    // Connection 1 began at T0 (its will says ts T0) and reported online at T0 + 5 s; then it died.
    await store.upsertStatus(status('d1', T0 + 5000, { connectedAt: T0 }), T0 + 5000);
    await store.upsertStatus(will(T0), T0 + 9000);
    assert.equal((await store.getDevice('d1', live))?.state, 'offline');
    // Connection 2 began at T0 + 20 s; connection 1's will, replayed late, must not take it offline.
    await store.upsertStatus(status('d1', T0 + 21_000, { connectedAt: T0 + 20_000 }), T0 + 21_000);
    await store.upsertStatus(will(T0), T0 + 22_000);
    const d1 = await store.getDevice('d1', live);
    assert.equal(d1?.state, 'online');
    assert.equal(d1.status?.connectedAt, T0 + 20_000);
    // Its own will does.
    await store.upsertStatus(will(T0 + 20_000), T0 + 30_000);
    assert.equal((await store.getDevice('d1', live))?.reason, 'last-will');
  });

  withStore('an interval without actuations has no glass-to-GPIO figure in the fleet table', async (store) => {
    await store.insertStats(stats('d1', T0, { glassToGpioMs: { p50: 0, p95: 0, p99: 0, count: 0 } }), T0);
    assert.equal((await store.getDevice('d1', live))?.lastGlassToGpioP95Ms, null);
    await store.insertStats(stats('d1', T0 + 1000), T0 + 1000);
    assert.equal((await store.getDevice('d1', live))?.lastGlassToGpioP95Ms, 40);
  });

  withStore('a device\'s last model update state: newest by device time, shown in the fleet table', async (store) => {
    await store.upsertStatus(status('d1', T0), T0);
    const update = (ts: number, state: 'downloading' | 'committed', version: number) => ({ v: 1 as const, deviceId: 'd1', ts, name: 'det', version, state });
    await store.upsertUpdate(update(T0 + 2000, 'committed', 4));
    await store.upsertUpdate(update(T0 + 1000, 'downloading', 4)); // older: ignored
    const [d1] = await store.listDevices({ limit: 10, offset: 0, ...live });
    assert.deepEqual(d1?.update, { state: 'committed', name: 'det', version: 4, ts: T0 + 2000 });
    assert.equal(d1.lastSeen, T0, 'an update message is no sign of life');
    await store.upsertStatus(status('d2', T0), T0);
    assert.equal((await store.getDevice('d2', live))?.update, null);
  });

  withStore('the first stats row of a model version, by group: where a drift baseline starts', async (store) => {
    await store.upsertStatus(status('a', T0, { group: 'yard' }), T0);
    await store.upsertStatus(status('b', T0, { group: 'gate' }), T0);
    await store.insertStats(stats('a', T0 + 5000, { model: { name: 'det', version: 3 } }), T0);
    await store.insertStats(stats('a', T0 + 9000, { model: { name: 'det', version: 4 } }), T0);
    await store.insertStats(stats('b', T0 + 1000, { model: { name: 'det', version: 3 } }), T0);
    assert.equal(await store.firstStatsTs({ modelName: 'det', modelVersion: 3 }), T0 + 1000);
    assert.equal(await store.firstStatsTs({ group: 'yard', modelName: 'det', modelVersion: 3 }), T0 + 5000);
    assert.equal(await store.firstStatsTs({ group: 'yard', modelName: 'det', modelVersion: 5 }), undefined);
  });

  withStore('a group\'s stats summarised over a window for one model version', async (store) => {
    await store.upsertStatus(status('a', T0, { group: 'yard' }), T0);
    await store.upsertStatus(status('b', T0, { group: 'yard' }), T0);
    await store.upsertStatus(status('c', T0, { group: 'gate' }), T0);
    const p = (p95: number) => ({ p50: 1, p95, p99: p95, count: 5 });
    await store.insertStats(stats('a', T0 + 1000, { fps: 10, inferenceMs: p(8) }), T0);
    await store.insertStats(stats('b', T0 + 2000, { fps: 20, inferenceMs: p(12) }), T0);
    await store.insertStats(stats('b', T0 + 3000, { fps: 99, model: { name: 'det', version: 4 } }), T0);
    await store.insertStats(stats('c', T0 + 1000, { fps: 50 }), T0);
    const s = await store.statsSummary({ group: 'yard', modelName: 'det', modelVersion: 3, from: T0, to: T0 + 10_000 });
    assert.deepEqual(s && { ...s }, { messages: 2, devices: 2, fps: 15, inferenceP95Ms: 10, glassToGpioP95Ms: 40 });
    assert.equal(await store.statsSummary({ group: 'yard', from: T0 + 10_000, to: T0 + 20_000 }), undefined);
  });

  withStore('samples filtered by group and time', async (store) => {
    await store.upsertStatus(status('a', T0, { group: 'yard' }), T0);
    await store.upsertStatus(status('b', T0, { group: 'gate' }), T0);
    await store.insertSample(sample('a', 's1', T0), JPEG, T0);
    await store.insertSample(sample('a', 's2', T0 + 1000), JPEG, T0);
    await store.insertSample(sample('b', 's3', T0 + 2000), JPEG, T0);
    const ids = async (o: { group?: string; since?: number; before?: number }) => (await store.listSamples({ limit: 10, ...o })).map((s) => s.meta.id);
    assert.deepEqual(await ids({ group: 'yard' }), ['s2', 's1']);
    assert.deepEqual(await ids({ group: 'yard', since: T0 + 1 }), ['s2']);
    assert.deepEqual(await ids({ since: T0 + 1000 }), ['s3', 's2']);
    assert.deepEqual(await ids({ before: T0 + 2000 }), ['s2', 's1']);
  });

  withStore('liveness changes exactly at the thresholds', async (store) => {
    await store.upsertStatus(status('on', T0), live.now - 30_000);
    await store.upsertStatus(status('old', T0), live.now - 30_001);
    await store.upsertStatus(status('deg', T0, { state: 'degraded' }), live.now);
    await store.upsertStatus(status('off', T0, { state: 'offline' }), live.now);
    await store.upsertStatus(status('bye', T0, { state: 'stopping' }), live.now);
    const all = await store.listDevices({ limit: 10, offset: 0, ...live });
    assert.deepEqual(Object.fromEntries(all.map((d) => [d.deviceId, d.liveness])), {
      bye: 'offline', deg: 'degraded', off: 'offline', old: 'stale', on: 'online',
    });
  });

  withStore('stats series are averaged over time buckets', async (store) => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ stats: stats('d1', T0 + i * 1000, { fps: i, glassToGpioMs: { p50: 1, p95: i, p99: 1, count: 1 } }), receivedAt: T0 }));
    assert.equal(await store.insertStatsBatch(rows), 100);
    assert.equal(await store.insertStatsBatch(rows.slice(0, 10)), 0, 'redelivered stats are stored once');
    const series = await store.statsSeries('d1', { from: T0, to: T0 + 100_000, maxPoints: 10 });
    assert.equal(series.length, 10);
    assert.deepEqual(series.map((p) => p.count), Array<number>(10).fill(10));
    assert.equal(series[0]!.ts, T0);
    assert.equal(series[0]!.fps, 4.5);
    assert.equal(series[0]!.glassToGpioP95Ms, 9);
    assert.equal(series[9]!.ts, T0 + 90_000);
    assert.equal(series[9]!.dropped, 10);
    const d1 = await store.getDevice('d1', live);
    assert.equal(d1?.lastFps, 99, 'the fleet table shows the newest message of the batch');
  });

  withStore('retention removes rows older than the limits', async (store) => {
    await store.insertStatsBatch([{ stats: stats('d1', 1), receivedAt: T0 - 10_000 }, { stats: stats('d1', 2), receivedAt: T0 }]);
    await store.insertEvent(event('d1', 'e1', 1), T0 - 10_000);
    await store.insertEvent(event('d1', 'e2', 2), T0 - 5000);
    assert.deepEqual(await store.applyRetention({ now: T0, statsOlderThanMs: 5000, eventsOlderThanMs: 1000 }), { stats: 1, events: 2 });
    assert.equal((await store.statsSeries('d1', { from: 0, to: 10, maxPoints: 10 })).length, 1);
  });

  withStore('class confidence sums counts and histograms per class', async (store) => {
    await store.upsertStatus(status('a', T0), T0);
    await store.upsertStatus(status('b', T0, { group: 'g2' }), T0);
    const cls = (count: number, meanScore: number, bin: number) => ({ count, meanScore, hist: Array.from({ length: 10 }, (_, i) => (i === bin ? count : 0)) });
    await store.insertStats(stats('a', T0, { classes: { person: cls(2, 0.9, 9), car: cls(1, 0.3, 3) } }), T0);
    await store.insertStats(stats('a', T0 + 1, { classes: { person: cls(6, 0.5, 5) } }), T0);
    await store.insertStats(stats('b', T0, { classes: { person: cls(100, 0.1, 1) }, model: { name: 'det', version: 4 } }), T0);
    const g1 = await store.classConfidence({ group: 'g1', from: T0, to: T0 + 10 });
    assert.deepEqual(g1.map((c) => c.label), ['car', 'person']);
    assert.equal(g1[1]!.count, 8);
    assert.ok(Math.abs((g1[1]!.meanScore) - 0.6) < 1e-9);
    assert.deepEqual(g1[1]!.hist, [0, 0, 0, 0, 0, 6, 0, 0, 0, 2]);
    const v4 = await store.classConfidence({ modelVersion: 4, from: T0, to: T0 + 10 });
    assert.deepEqual(v4.map((c) => [c.label, c.count]), [['person', 100]]);
    assert.deepEqual(await store.classConfidence({ from: T0 + 10, to: T0 + 20 }), []);
  });

  withStore('duplicate events are stored once and listed newest first', async (store) => {
    assert.equal(await store.insertEvent(event('d1', 'e1', T0), T0), true);
    assert.equal(await store.insertEvent(event('d1', 'e1', T0), T0 + 5), false);
    assert.equal(await store.insertEvent(event('d2', 'e1', T0 + 1), T0), true);
    const all = await store.listEvents({ limit: 10 });
    assert.deepEqual(all.map((e) => e.event.deviceId), ['d2', 'd1']);
    assert.deepEqual(all[1]?.event, event('d1', 'e1', T0));
    assert.deepEqual((await store.listEvents({ deviceId: 'd1', limit: 10 })).length, 1);
    assert.deepEqual((await store.listEvents({ since: T0 + 1, limit: 10 })).length, 1);
  });

  withStore('samples keep their JPEG, dedupe and take labels later', async (store) => {
    assert.equal(await store.insertSample(sample('d1', 's1', T0), JPEG, T0), true);
    assert.equal(await store.insertSample(sample('d1', 's1', T0), JPEG, T0), false);
    assert.deepEqual(await store.getSampleJpeg('d1', 's1'), JPEG);
    assert.equal(await store.getSampleJpeg('d1', 'none'), undefined);
    assert.equal((await store.listSamples({ labelled: true, limit: 10 })).length, 0);
    assert.equal(await store.setSampleLabels('d1', 's1', [{ label: 'person', box: [0, 0, 5, 5] }], 'human'), true);
    assert.equal(await store.setSampleLabels('d1', 'none', [], 'human'), false);
    const [s] = await store.listSamples({ labelled: true, limit: 10 });
    assert.deepEqual(s!.labels, [{ label: 'person', box: [0, 0, 5, 5] }]);
    assert.equal(s!.labelSource, 'human');
    assert.deepEqual(s!.meta, sample('d1', 's1', T0));
    assert.match(s!.blobKey, /^samples\/d1\/2026-01-01\/s1\.jpg$/);
  });

  withStore('sample ids that could leave the blob root are refused', async (store) => {
    for (const id of ['../x', '..', 'a/b', '..\\x', '.hidden']) {
      await assert.rejects(store.insertSample(sample('d1', id, T0), JPEG, T0), hasCode('STORE_BAD_BLOB_KEY'), id);
    }
    assert.equal((await store.listSamples({ limit: 10 })).length, 0);
  });

  withStore('bad input is refused naming the field', async (store) => {
    await assert.rejects(store.upsertStatus({ ...status('d1', T0), state: 'weird' } as unknown as StatusPayload, T0),
      (e) => hasCode('STORE_BAD_INPUT')(e) && isLookoutError(e) && e.where === 'status.state');
    await assert.rejects(store.insertStatsBatch([{ stats: stats('d1', T0), receivedAt: T0 }, { stats: { ...stats('d1', T0), fps: -1 }, receivedAt: T0 }]),
      (e) => isLookoutError(e) && e.where === 'stats[1].fps');
    await assert.rejects(store.insertEvent({ ...event('d1', 'e', T0), deviceId: 'a b' }, T0), hasCode('STORE_BAD_INPUT'));
    await assert.rejects(store.insertSample(sample('d1', 's', T0), new Uint8Array([1, 2, 3]), T0), (e) => isLookoutError(e) && e.where === 'sample.jpeg');
    assert.equal((await store.listDevices({ limit: 10, offset: 0, ...live })).length, 0, 'a refused batch stores nothing');
  });

  withStore('models and jobs round trip', async (store) => {
    const model = { name: 'det', version: 2, sha256: 'a'.repeat(64), size: 10, path: 'm/2.onnx', labels: ['person'], metrics: { map50: 0.5 }, createdAt: T0 };
    await store.upsertModel(model);
    await store.upsertModel({ ...model, version: 1 });
    await store.upsertModel({ ...model, metrics: { map50: 0.6 }, manifest: '{}' });
    assert.deepEqual((await store.listModels()).map((m) => [m.version, m.metrics['map50'], m.manifest]), [[1, 0.5, null], [2, 0.6, '{}']]);
    const job = await store.createJob({ id: 'j1', kind: 'retrain', params: { group: 'g1' }, createdAt: T0 });
    assert.equal(job.status, 'queued');
    await store.createJob({ id: 'j2', kind: 'retrain', params: null, createdAt: T0 + 1 });
    const done = await store.updateJob('j1', { status: 'succeeded', finishedAt: T0 + 5, result: { map50: 0.7 } });
    assert.deepEqual([done?.status, done?.finishedAt, done?.result, done?.params], ['succeeded', T0 + 5, { map50: 0.7 }, { group: 'g1' }]);
    assert.equal(await store.updateJob('none', { status: 'failed' }), undefined);
    assert.deepEqual((await store.listJobs()).map((j) => j.id), ['j2', 'j1']);
    await store.appendJobLog('j1', 'epoch 1', T0);
    await store.appendJobLog('j1', 'epoch 2', T0);
    assert.deepEqual((await store.jobLog('j1')).map((l) => l.line), ['epoch 1', 'epoch 2']);
    assert.equal(await store.appendJobLog('none', 'x', T0), false);
    await assert.rejects(store.createJob({ id: 'j1', kind: 'retrain', params: null, createdAt: T0 }), hasCode('STORE_DUPLICATE_JOB'));
    assert.equal((await store.listJobs()).find((j) => j.id === 'j1')?.status, 'succeeded');
  });

  withStore('concurrent writers store each event once', async (store, another) => {
    const a = another();
    const b = another();
    await Promise.all([a.open(), b.open()]);
    try {
      const events = Array.from({ length: 50 }, (_, i) => event('d1', `e${i}`, T0 + i));
      const results = await Promise.all([a, b, store].flatMap((s) => events.map((e) => s.insertEvent(e, T0))));
      assert.equal(results.filter(Boolean).length, 50);
      const batch = Array.from({ length: 50 }, (_, i) => ({ stats: stats(`d${i % 5}`, T0 + i), receivedAt: T0 + i }));
      const added = await Promise.all([a.insertStatsBatch(batch), b.insertStatsBatch(batch)]);
      assert.equal(added[0] + added[1], 50);
      assert.equal((await store.listEvents({ limit: 100 })).length, 50);
      assert.equal((await store.getDevice('d4', live))?.lastStatsAt, T0 + 49);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}
