import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestCounters } from '../../src/cloud/ingest/counters.ts';
import { imageWidths, openPage } from '../support/browser.ts';
import { event, eventually, jpeg, makeStore, sampleMeta, startDashboard, stats, status, TOKEN } from './harness.ts';
import { liveWorld } from './live-harness.ts';

const counters: IngestCounters = {
  received: 42, stored: 40, duplicates: 2, byChannel: { stats: 30, events: 12 }, storeErrors: 0, pendingStats: 0, connected: true,
  bad: { topic: 0, json: 0, schema: 1, 'device-mismatch': 0, 'too-large': 0, store: 0 },
};

test('the page shows the fleet, live charts and events with their frames in Chromium, with no console error', async (t) => {
  const world = await liveWorld(t);
  const store = await makeStore(t);
  const now = Date.now();
  await store.upsertStatus(status('cam-1', now - 5000), now - 5000);
  await store.upsertStatus(status('cam-2', now - 120_000, { group: 'gate' }), now - 120_000);
  // Five minutes of stored stats, one message every 30 s: the charts' seed.
  await store.insertStatsBatch(Array.from({ length: 10 }, (_, i) => ({ stats: stats('cam-1', now - 300_000 + i * 30_000, { fps: 10 }), receivedAt: now - 300_000 + i * 30_000 })));
  await store.insertSample(sampleMeta('cam-1', 's-old', now - 60_000), await jpeg(), now - 60_000);
  await store.insertEvent(event('cam-1', 'e-old', now - 60_000, { sampleId: 's-old' }), now - 60_000);
  await store.upsertModel({ name: 'det', version: 3, sha256: 'b'.repeat(64), size: 3_400_000, path: 'models/det-3.onnx', labels: ['person', 'car'], metrics: { map50: 0.58 }, createdAt: now - 86_400_000 });
  await store.createJob({ id: 'retrain-7', kind: 'retrain', params: null, createdAt: now - 3_600_000 });
  await store.appendJobLog('retrain-7', 'epoch 12/12 map50=0.61', now - 3_000_000);
  const { url } = await startDashboard(t, { store, live: world.feed, fleetPushMs: 200, ingestCounters: () => counters });
  const { page, errors } = await openPage(t);

  // Log in through /login?token=: the cookie is set and the browser lands on the fleet page.
  await page.goto(`${url}/login?token=${encodeURIComponent(TOKEN)}`);
  assert.equal(page.url(), `${url}/`);
  const row = page.locator('tr[data-device="cam-1"]');
  await row.waitFor();
  assert.equal(await row.locator('[data-field="fps"]').textContent(), '10.0');
  assert.equal(await row.locator('[data-field="liveness"]').textContent(), 'online');
  assert.equal(await page.locator('tr[data-device="cam-2"] [data-field="liveness"]').textContent(), 'stale');
  assert.match((await row.locator('[data-field="last-seen"]').textContent()) ?? '', /^\d+ s ago$/);
  assert.equal(await page.locator('[data-count="online"]').textContent(), '1');
  assert.equal(await page.locator('[data-ingest="received"]').textContent(), '42');

  // New stats in the store reach the table on the next push.
  await store.insertStats(stats('cam-1', Date.now(), { fps: 17.5 }), Date.now());
  await eventually(async () => (await row.locator('[data-field="fps"]').textContent()) === '17.5', 5000, 'the fps cell to change');

  // The device view: header, charts seeded from the stored series, the stored event with its frame.
  await row.click();
  await page.waitForURL(`${url}/#/device/cam-1`);
  const points = async (chart: string): Promise<number> => Number(await page.locator(`#chart-${chart} svg`).getAttribute('data-points'));
  // The ten seeded messages and the one just inserted, each in its own bucket.
  await eventually(async () => (await points('fps')) === 11, 5000, 'the charts to be seeded from the stored series');
  const seeded = await points('fps');
  await page.locator('tr[data-event="e-old"] img[data-field="thumbnail"]').waitFor();

  // Stats published to the broker: the fps field changes and the charts grow (the feed subscribes
  // asynchronously, so publish until the page shows it).
  const header = page.locator('.device-head [data-field="fps"]');
  for (let i = 0; (await header.textContent()) !== '23.5'; i++) {
    assert.ok(i < 50, 'published stats never reached the page');
    await world.publish('cam-1', 'stats', stats('cam-1', Date.now(), { fps: 23.5, glassToGpioMs: { p50: 20, p95: 55, p99: 60, count: 9 } }));
    await page.waitForTimeout(100);
  }
  assert.ok((await points('fps')) > seeded, 'the fps chart has a new point');
  assert.ok((await points('latency')) > seeded);
  assert.equal(await page.locator('.device-head [data-field="g2g"]').textContent(), '55 ms');

  // An event (its sample stored first) appears on top, with its frame decoded by the browser.
  await store.insertSample(sampleMeta('cam-1', 's-new', Date.now()), await jpeg(96, 72), Date.now());
  await world.publish('cam-1', 'events', event('cam-1', 'e-new', Date.now(), { sampleId: 's-new', glassToGpioMs: 48 }));
  const fresh = page.locator('#events-table tbody tr').first();
  await eventually(async () => (await fresh.getAttribute('data-event')) === 'e-new', 5000, 'the live event on top');
  assert.equal(await fresh.locator('[data-field="rule"]').textContent(), 'person-at-gate');
  assert.equal(await fresh.locator('[data-field="detections"]').textContent(), 'person (0.91)');
  assert.equal(await fresh.locator('[data-field="g2g"]').textContent(), '48 ms');
  // Decoded by the browser: a broken image has no natural width. (A string runs in the page, which has a DOM.)
  await eventually(async () => (await imageWidths(page, 'tr[data-event="e-new"] img[data-field="thumbnail"]'))[0] === 96, 5000, 'the new event\'s frame decoded');

  // Models and jobs, and a job's log on click.
  await page.goto(`${url}/#/models`);
  await page.locator('tr[data-model="det@3"]').waitFor();
  await page.locator('tr[data-job="retrain-7"]').click();
  await eventually(async () => ((await page.locator('#job-log-lines').textContent()) ?? '').includes('epoch 12/12'), 5000, 'the job log');

  assert.deepEqual(errors, [], 'no console error (CSP violations included)');
});
