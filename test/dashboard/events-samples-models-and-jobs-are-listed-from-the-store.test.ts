import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestCounters } from '../../src/cloud/ingest/counters.ts';
import type { DeviceDetail, JobLogLine, JobRecord, ModelRecord, StoredEvent, StoredSample } from '../../src/cloud/store/store.ts';
import { event, getJson, jpeg, makeStore, sampleMeta, startDashboard, stats, status, T0 } from './harness.ts';

test('device detail, events, samples, models, jobs, job logs and ingest counters are read from the store', async (t) => {
  const store = await makeStore(t);
  await store.upsertStatus(status('cam-1', T0, { reason: 'camera-lost', state: 'degraded' }), T0);
  await store.upsertState({ v: 1, deviceId: 'cam-1', ts: T0, rules: { 'person-at-gate': { active: true, enabled: true } }, outputs: { relay: true } });
  await store.insertStats(stats('cam-1', T0 + 1, { fps: 7.5 }), T0 + 1);
  for (let i = 0; i < 5; i++) await store.insertEvent(event(i % 2 === 0 ? 'cam-1' : 'cam-2', `e${i}`, T0 + i), T0 + i);
  const bytes = await jpeg();
  await store.insertSample(sampleMeta('cam-1', 's1', T0), bytes, T0);
  await store.insertSample(sampleMeta('cam-1', 's2', T0 + 1), bytes, T0 + 1);
  await store.setSampleLabels('cam-1', 's1', [{ label: 'person', box: [1, 2, 3, 4] }], 'human');
  await store.upsertModel({ name: 'det', version: 4, sha256: 'a'.repeat(64), size: 1234, path: 'models/det-4.onnx', labels: ['person', 'car'], metrics: { map50: 0.61 }, createdAt: T0 });
  await store.createJob({ id: 'job-1', kind: 'retrain', params: { group: 'yard' }, createdAt: T0 });
  await store.appendJobLog('job-1', 'epoch 1/12', T0 + 10);
  await store.appendJobLog('job-1', 'epoch 2/12', T0 + 20);
  const counters: IngestCounters = {
    received: 10, stored: 8, duplicates: 1, byChannel: { stats: 6, events: 4 }, storeErrors: 0, pendingStats: 1, connected: true,
    bad: { topic: 0, json: 1, schema: 0, 'device-mismatch': 0, 'too-large': 0, store: 0 },
  };
  const { url } = await startDashboard(t, { store, now: () => T0 + 10_000, staleAfterMs: 60_000, ingestCounters: () => counters });

  const detail = (await getJson(`${url}/api/v1/devices/cam-1`)).body as DeviceDetail;
  assert.equal(detail.liveness, 'degraded');
  assert.equal(detail.reason, 'camera-lost');
  assert.equal(detail.lastFps, 7.5);
  assert.deepEqual(detail.rules, { 'person-at-gate': { active: true, enabled: true } });
  assert.deepEqual(detail.outputs, { relay: true });

  const events = (await getJson(`${url}/api/v1/events?device=cam-1`)).body as { events: StoredEvent[] };
  assert.deepEqual(events.events.map((e) => e.event.id), ['e4', 'e2', 'e0'], 'newest first, one device');
  const since = (await getJson(`${url}/api/v1/events?since=${T0 + 3}&limit=1`)).body as { events: StoredEvent[] };
  assert.deepEqual(since.events.map((e) => e.event.id), ['e4']);

  const labelled = (await getJson(`${url}/api/v1/samples?labelled=true`)).body as { samples: StoredSample[] };
  assert.deepEqual(labelled.samples.map((s) => s.meta.id), ['s1']);
  const unlabelled = (await getJson(`${url}/api/v1/samples?labelled=false&device=cam-1`)).body as { samples: StoredSample[] };
  assert.deepEqual(unlabelled.samples.map((s) => s.meta.id), ['s2']);

  const models = (await getJson(`${url}/api/v1/models`)).body as { models: ModelRecord[] };
  assert.deepEqual(models.models.map((m) => [m.name, m.version, m.metrics['map50']]), [['det', 4, 0.61]]);
  const jobs = (await getJson(`${url}/api/v1/jobs`)).body as { jobs: JobRecord[] };
  assert.deepEqual(jobs.jobs.map((j) => [j.id, j.status]), [['job-1', 'queued']]);
  const log = (await getJson(`${url}/api/v1/jobs/job-1/log`)).body as { lines: JobLogLine[] };
  assert.deepEqual(log.lines.map((l) => l.line), ['epoch 1/12', 'epoch 2/12']);

  assert.deepEqual((await getJson(`${url}/api/v1/ingest`)).body, counters);
});
