import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestCounters } from '../../src/cloud/ingest/counters.ts';
import type { GateFigures } from '../../src/cloud/retrain/gate.ts';
import type { RolloutStatus } from '../../src/cloud/rollout/rollout.ts';
import { openPage } from '../support/browser.ts';
import { eventually, makeStore, startDashboard, stats, status, TOKEN, update } from './harness.ts';

test('the page shows each device\'s model update, the jobs\' fleet, gate figures and rollout, and a job\'s reasons', async (t) => {
  const store = await makeStore(t);
  const now = Date.now();
  for (const id of ['cam-1', 'cam-2', 'cam-3', 'cam-4']) {
    await store.upsertStatus(status(id, now - 5000), now - 5000);
    await store.insertStats(stats(id, now - 4000), now - 4000);
  }
  // Delivered out of order: the store keeps the newest by device time.
  await store.upsertUpdate(update('cam-1', now - 30_000, { state: 'rolled-back', code: 'TOO_SLOW' }));
  await store.upsertUpdate(update('cam-1', now - 60_000, { state: 'downloading' }));
  await store.upsertUpdate(update('cam-2', now - 30_000, { version: 3, state: 'committed' }));
  await store.upsertUpdate(update('cam-3', now - 10_000, { state: 'downloading' }));

  const gate: GateFigures = {
    current: { heldOut: 0.41, original: 0.953 }, candidate: { heldOut: 0.776, original: 0.94 },
    minGain: 0.02, maxOriginalLoss: 0.02, passed: true, reasons: [],
  };
  const rollout: RolloutStatus = {
    jobId: 'retrain-yard-1', group: 'yard', model: { name: 'det', version: 4 }, previous: { name: 'det', version: 3 },
    phase: 'rolled-back', startedAt: now - 50_000, updatedAt: now - 20_000,
    reasons: ['cam-1: rolled-back TOO_SLOW', 'det v3 published to yard-canary as a signed rollback'],
    canary: { meanScoreBefore: 0.81, meanScoreAfter: 0.62 },
  };
  await store.createJob({
    id: 'retrain-yard-1', kind: 'retrain', createdAt: now - 600_000,
    params: { group: 'yard', reasons: ['person: mean confidence 0.810 → 0.420 (−48 %, threshold 15 %)'], model: { name: 'det', version: 3 } },
  });
  await store.updateJob('retrain-yard-1', {
    status: 'succeeded', startedAt: now - 590_000, finishedAt: now - 60_000,
    result: {
      gate,
      dataset: { dataYaml: '/data/jobs/retrain-yard-1/data/data.yaml', train: 120, val: 30, unlabelled: 4, unknownClassBoxes: 0, labelSource: 'synthetic-truth' },
      model: { name: 'det', version: 4, sha256: 'c'.repeat(64), size: 3_400_000 },
      rollout,
    },
  });
  await store.appendJobLog('retrain-yard-1', 'registered det v4', now - 60_000);
  await store.createJob({ id: 'retrain-gate-1', kind: 'retrain', createdAt: now - 300_000, params: { group: 'gate', reasons: [], model: { name: 'det', version: 3 } } });
  await store.updateJob('retrain-gate-1', {
    status: 'rejected', startedAt: now - 290_000, finishedAt: now - 100_000,
    result: { gate: { ...gate, candidate: { heldOut: 0.42, original: null }, current: { heldOut: 0.41, original: null }, passed: false, reasons: ['held-out mAP@0.5 0.420 does not beat the current 0.410 by 0.02'] } },
  });
  // Counters, so the fleet view's ingest poll gets no 404 (which Chromium reports as a console error).
  const counters: IngestCounters = {
    received: 0, stored: 0, duplicates: 0, byChannel: {}, storeErrors: 0, pendingStats: 0, connected: true,
    bad: { topic: 0, json: 0, schema: 0, 'device-mismatch': 0, 'too-large': 0, store: 0 },
  };
  const { url } = await startDashboard(t, { store, fleetPushMs: 200, ingestCounters: () => counters });
  const { page, errors } = await openPage(t);

  await page.goto(`${url}/login?token=${encodeURIComponent(TOKEN)}`);
  const cell = (id: string) => page.locator(`tr[data-device="${id}"] [data-field="update"] span`);
  await cell('cam-1').waitFor();
  // The version, the state and the device's reason code; the tone follows the state.
  assert.equal(await cell('cam-1').textContent(), 'v4 rolled-back (TOO_SLOW)');
  assert.equal(await cell('cam-1').getAttribute('class'), 'badge badge-bad');
  assert.equal(await cell('cam-2').textContent(), 'v3 committed');
  assert.equal(await cell('cam-2').getAttribute('class'), 'badge badge-ok');
  assert.equal(await cell('cam-3').textContent(), 'v4 downloading');
  assert.equal(await cell('cam-3').getAttribute('class'), 'badge badge-progress');
  assert.equal(await cell('cam-4').textContent(), '–', 'no update reported: a dash');

  await page.locator('tr[data-device="cam-1"]').click();
  await page.waitForURL(`${url}/#/device/cam-1`);
  const header = page.locator('.device-head [data-field="update"]');
  await eventually(async () => (await header.textContent()) === 'v4 rolled-back (TOO_SLOW)', 5000, 'the device header\'s update');
  assert.match((await page.locator('#scene-box').textContent()) ?? '', /only a synthetic camera/i);

  await page.goto(`${url}/#/models`);
  const job = page.locator('tr[data-job="retrain-yard-1"]');
  await job.waitFor();
  assert.equal(await job.locator('[data-field="group"]').textContent(), 'yard');
  assert.equal(await job.locator('[data-field="gate"]').textContent(), 'held-out mAP50 0.41 → 0.78; original 0.95 → 0.94 passed');
  assert.equal(await job.locator('[data-field="rollout"]').textContent(), 'rolled-back');
  assert.equal(await job.locator('[data-field="rollout"] .badge').getAttribute('class'), 'badge badge-bad');
  const rejected = page.locator('tr[data-job="retrain-gate-1"]');
  assert.equal(await rejected.locator('[data-field="gate"]').textContent(), 'held-out mAP50 0.41 → 0.42 rejected');
  assert.equal(await rejected.locator('[data-field="rollout"]').textContent(), '–');
  // This dashboard runs no retraining: the panel says so instead of listing fleets.
  await page.locator('#fleets-off').waitFor();
  assert.equal(await page.locator('[data-fleet]').count(), 0);

  await job.click();
  const detail = page.locator('#job-detail');
  await eventually(async () => ((await page.locator('#job-log-lines').textContent()) ?? '').includes('registered det v4'), 5000, 'the job log');
  assert.equal(await detail.locator('[data-field="group"]').textContent(), 'yard, from det v3');
  assert.equal(await detail.locator('[data-field="drift-reasons"] li').allTextContents().then((l) => l.join('|')), 'person: mean confidence 0.810 → 0.420 (−48 %, threshold 15 %)');
  assert.equal(await detail.locator('[data-field="dataset"]').textContent(), '120 train + 30 held out, labels from synthetic-truth; 4 without labels');
  assert.equal(await detail.locator('[data-field="new-model"]').textContent(), 'det v4, 3.2 MiB, sha256 cccccccccccc…');
  assert.deepEqual(await detail.locator('[data-field="rollout-reasons"] li').allTextContents(), [...rollout.reasons]);
  assert.equal(await detail.locator('[data-field="canary"]').textContent(), 'canary: mean confidence 0.810 → 0.620');

  await page.locator('tr[data-job="retrain-gate-1"]').click();
  await eventually(async () => (await detail.locator('[data-field="group"]').textContent()) === 'gate, from det v3', 5000, 'the other job\'s detail');
  assert.deepEqual(await detail.locator('[data-field="gate-reasons"] li').allTextContents(), ['held-out mAP@0.5 0.420 does not beat the current 0.410 by 0.02']);
  assert.equal(await detail.locator('[data-field="rollout"]').count(), 0, 'no rollout for a rejected candidate');
  assert.doesNotMatch((await detail.textContent()) ?? '', /null|undefined|NaN/, 'what a job lacks is left out, not printed');

  assert.deepEqual(errors, [], 'no console error (CSP violations included)');
});
