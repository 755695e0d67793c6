import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SeriesPoint } from '../../src/cloud/store/store.ts';
import { getJson, makeStore, startDashboard, stats, status, T0 } from './harness.ts';

test('device series are downsampled to the requested number of points, over the last 15 minutes by default', async (t) => {
  const store = await makeStore(t);
  await store.upsertStatus(status('cam-1', T0), T0);
  // One message a second for 30 minutes; fps climbs by 1 each second, glass-to-GPIO p95 spikes once.
  const rows = Array.from({ length: 1800 }, (_, i) => ({
    stats: stats('cam-1', T0 + i * 1000, { fps: i, glassToGpioMs: { p50: 5, p95: i === 1500 ? 900 : 40, p99: 50, count: 10 } }),
    receivedAt: T0 + i * 1000,
  }));
  await store.insertStatsBatch(rows);
  const now = T0 + 1800 * 1000;
  const { url } = await startDashboard(t, { store, now: () => now });

  const window = (await getJson(`${url}/api/v1/devices/cam-1/series`)).body as { points: SeriesPoint[] };
  // Default: the last 15 minutes (900 messages) in at most 300 buckets of 3 s.
  assert.equal(window.points.length, 300);
  assert.equal(window.points.reduce((n, p) => n + p.count, 0), 900);
  assert.equal(window.points[0]!.ts, now - 15 * 60_000);
  assert.equal(window.points[0]!.fps, 901, 'mean of 900, 901 and 902');

  const coarse = (await getJson(`${url}/api/v1/devices/cam-1/series?from=${T0}&to=${now}&points=60`)).body as { points: SeriesPoint[] };
  assert.equal(coarse.points.length, 60);
  assert.ok(coarse.points.every((p) => p.count === 30));
  assert.equal(coarse.points[0]!.fps, 14.5);
  assert.equal(coarse.points[50]!.glassToGpioP95Ms, 900, 'the worst p95 of a bucket survives downsampling');
  assert.equal(coarse.points[49]!.glassToGpioP95Ms, 40);

  const fine = (await getJson(`${url}/api/v1/devices/cam-1/series?from=${T0}&to=${T0 + 10_000}&points=2000`)).body as { points: SeriesPoint[] };
  assert.deepEqual(fine.points.map((p) => p.fps), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'fewer messages than points: one point each');

  const other = (await getJson(`${url}/api/v1/devices/cam-2/series`)).body as { points: SeriesPoint[] };
  assert.deepEqual(other.points, []);
});
