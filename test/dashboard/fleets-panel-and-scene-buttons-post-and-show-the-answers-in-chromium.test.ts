import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestCounters } from '../../src/cloud/ingest/counters.ts';
import { deviceTopic } from '../../src/protocol/index.ts';
import { openPage } from '../support/browser.ts';
import { eventually, makeStore, startDashboard, status, TOKEN } from './harness.ts';
import { LoopDouble } from './loop-harness.ts';

const counters: IngestCounters = {
  received: 0, stored: 0, duplicates: 0, byChannel: {}, storeErrors: 0, pendingStats: 0, connected: true,
  bad: { topic: 0, json: 0, schema: 0, 'device-mismatch': 0, 'too-large': 0, store: 0 },
};

/** What Chromium logs for a fetch answered with an error status (the page shows the answer itself). */
const refused = (code: number, text: string): string => `console: Failed to load resource: the server responded with a status of ${code} (${text})`;

test('the fleets panel shows drift checks and rollouts, "Retrain now" and the scene buttons post and show the answers', async (t) => {
  const store = await makeStore(t);
  const now = Date.now();
  await store.upsertStatus(status('cam-1', now - 5000), now - 5000);
  const loop = new LoopDouble(store, ['yard', 'gate'], Date.now);
  loop.lastChecks.set('yard', {
    kind: 'verdict', at: now - 30_000, model: { name: 'det', version: 3 }, baselineFrom: now - 7_200_000, recentFrom: now - 600_000,
    verdict: {
      drifted: true,
      reasons: ['person: mean confidence 0.810 → 0.420 (−48 %, threshold 15 %)'],
      classes: [
        { label: 'person', baseline: { count: 900, meanScore: 0.81, perS: 1.25 }, recent: { count: 300, meanScore: 0.42, perS: 0.5 } },
        { label: 'car', baseline: { count: 400, meanScore: 0.7, perS: 0.56 }, recent: { count: 250, meanScore: 0.69, perS: 0.42 } },
      ],
      uncertainShare: { baseline: 0.05, recent: 0.31 },
      labelled: null,
    },
  });
  // Two hours ahead, so the expected "HH:MM" is the same however long the test takes.
  const readyAt = now + 2 * 3_600_000;
  loop.lastChecks.set('gate', { kind: 'too-early', at: now - 30_000, model: { name: 'det', version: 3 }, readyAt });
  loop.rollouts.set('yard', {
    jobId: 'retrain-yard-1', group: 'yard', model: { name: 'det', version: 4 }, previous: { name: 'det', version: 3 },
    phase: 'canary', startedAt: now - 60_000, updatedAt: now - 60_000, reasons: ['det v4 published to yard-canary'],
  });
  const { url } = await startDashboard(t, { store, routes: loop.routes(), ingestCounters: () => counters });
  const { page, errors } = await openPage(t);
  await page.goto(`${url}/login?token=${encodeURIComponent(TOKEN)}`);

  await page.goto(`${url}/#/models`);
  const yard = page.locator('[data-fleet="yard"]');
  await yard.waitFor();
  assert.equal(await yard.locator('[data-field="check"] .badge').textContent(), 'drifted');
  assert.equal(await yard.locator('[data-field="check"] .badge').getAttribute('class'), 'badge badge-bad');
  assert.deepEqual(await yard.locator('[data-field="drift-reasons"] li').allTextContents(), ['person: mean confidence 0.810 → 0.420 (−48 %, threshold 15 %)']);
  const person = yard.locator('[data-field="classes"] tr[data-class="person"]');
  assert.deepEqual(
    await Promise.all(['baseline', 'recent', 'change', 'rate'].map((f) => person.locator(`[data-field="${f}"]`).textContent())),
    ['0.81', '0.42', '−48 %', '1.25 → 0.50'],
  );
  assert.equal(await yard.locator('[data-field="classes"] tr[data-class="car"] [data-field="change"]').textContent(), '−1 %');
  assert.equal(await yard.locator('[data-field="uncertain"]').textContent(), 'Uncertain detections 5 % → 31 %');
  assert.equal(await yard.locator('[data-field="rollout"] .badge').textContent(), 'canary');
  assert.match((await yard.locator('[data-field="rollout"]').textContent()) ?? '', /det v3 → det v4 in yard/);
  assert.deepEqual(await yard.locator('[data-field="rollout-reasons"] li').allTextContents(), ['det v4 published to yard-canary']);

  const gate = page.locator('[data-fleet="gate"]');
  const ready = new Date(readyAt);
  const hhmm = `${String(ready.getHours()).padStart(2, '0')}:${String(ready.getMinutes()).padStart(2, '0')}`;
  assert.match((await gate.locator('[data-field="check"]').textContent()) ?? '', new RegExp(`Too early until ${hhmm}:`));
  assert.match((await gate.locator('[data-field="rollout"]').textContent()) ?? '', /none/);
  assert.doesNotMatch((await page.locator('#fleets-panel').textContent()) ?? '', /null|undefined|NaN/, 'what a fleet lacks is left out, not printed');

  // "Retrain now": 202 starts a job (the jobs table picks it up at once), 409 while it runs.
  const yardResult = yard.locator('[data-field="retrain-result"]');
  await yard.locator('button[data-action="retrain"]').click();
  await eventually(async () => (await yardResult.textContent()) === 'started job retrain-yard-now', 5000, 'the 202 answer');
  assert.deepEqual(loop.triggered, [{ group: 'yard', reasons: ['started from the dashboard'] }]);
  await page.locator('tr[data-job="retrain-yard-now"] [data-field="group"]').waitFor();
  await yard.locator('button[data-action="retrain"]').click();
  await eventually(async () => (await yardResult.textContent()) === 'not started: a retraining job is running; try again when it ends', 5000, 'the 409 answer');
  assert.equal(await yardResult.getAttribute('data-state'), 'error');
  // A fleet gone from the configuration since the page loaded: 404 with the server's words.
  loop.fleets = ['yard'];
  await gate.locator('button[data-action="retrain"]').click();
  const gateResult = gate.locator('[data-field="retrain-result"]');
  await eventually(async () => (await gateResult.textContent()) === 'not started: no fleet for group gate in retrain.fleets', 5000, 'the 404 answer');
  assert.equal(loop.triggered.length, 1);

  // The scene box posts set-domain commands for the device and says what happened.
  await page.goto(`${url}/#/device/cam-1`);
  const scene = page.locator('#scene-box');
  const sceneResult = scene.locator('[data-field="scene-result"]');
  await scene.locator('button', { hasText: 'Night' }).click();
  await eventually(async () => (await sceneResult.textContent()) === 'sent: lighting night', 5000, 'the lighting command sent');
  await scene.locator('button', { hasText: 'Shifted look' }).click();
  await eventually(async () => (await sceneResult.textContent()) === 'sent: appearance shifted', 5000, 'the appearance command sent');
  const commands = loop.published.map((p) => ({ topic: p.topic, retain: p.retain, ...(JSON.parse(p.payload) as { cmd: string; domain: unknown }) }));
  assert.deepEqual(commands.map((c) => [c.topic, c.retain, c.cmd, c.domain]), [
    [deviceTopic('cam-1', 'cmd'), false, 'set-domain', { lighting: 'night' }],
    [deviceTopic('cam-1', 'cmd'), false, 'set-domain', { appearance: 'shifted' }],
  ]);
  loop.publishing = false;
  await scene.locator('button', { hasText: 'Day' }).click();
  await eventually(async () => (await sceneResult.textContent()) === 'not sent: the service publishes no commands', 5000, 'the 404 answer');
  assert.equal(loop.published.length, 2);

  // The three refusals above, and nothing else (CSP violations included).
  assert.deepEqual(errors, [refused(409, 'Conflict'), refused(404, 'Not Found'), refused(404, 'Not Found')]);
});
