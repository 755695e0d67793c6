import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cloudConfigSchema } from '../../src/cloud/config/schema.ts';
import { CloudService } from '../../src/cloud/service.ts';
import { exitOf, startAgentChild, tempDir, testConfig } from '../agent/helpers.ts';
import { eventually } from '../dashboard/harness.ts';
import { teardown } from '../link/helpers.ts';
import { imageWidths, openPage } from '../support/browser.ts';
import { Mosquitto } from '../support/mosquitto.ts';

const TOKEN = 'e2e-token-0123456789abcdef';

test('the dashboard follows two real agents through mosquitto and the cloud service, in Chromium', async (t) => {
  const cleanup = teardown(t);
  const dir = tempDir();
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });
  const broker = await Mosquitto.start();
  cleanup(() => broker.stop());

  const service = new CloudService({
    config: cloudConfigSchema.parse({
      dataDir: join(dir, 'cloud'),
      mqtt: { url: broker.url, protocol: 5, reconnectMinMs: 50, reconnectMaxMs: 500 },
      ingest: { clientId: 'cloud-e2e', shareGroup: 'lookout-cloud', batch: { maxDelayMs: 20 } },
      dashboard: { port: 0, token: TOKEN, fleetPushMs: 300 },
      log: { level: 'error' },
    }),
  });
  const running = await service.start();
  cleanup(() => service.stop());

  // Two real agent processes: synthetic camera, the fixture detector (a person and a car in every frame), a
  // rule on persons, simulated relays, telemetry to the broker every second.
  for (const id of ['e2e-a', 'e2e-b']) {
    const agentDir = join(dir, id);
    const config = testConfig(agentDir, {
      device: { id, group: 'e2e' },
      stateDir: agentDir,
      mqtt: { url: broker.url, clientId: id, reconnectMinMs: 50, reconnectMaxMs: 500 },
      telemetry: { statsIntervalS: 1 },
    });
    mkdirSync(agentDir, { recursive: true });
    const child = startAgentChild(config, agentDir, 'run');
    cleanup(async () => {
      child.kill('SIGTERM');
      await exitOf(child);
    });
  }

  const { page, errors } = await openPage(t);
  await page.goto(running.loginUrl);
  for (const id of ['e2e-a', 'e2e-b']) {
    await page.locator(`tr[data-device="${id}"] [data-field="liveness"]`).filter({ hasText: 'online' }).waitFor({ timeout: 20_000 });
  }

  // Stats move: the row's last-seen keeps being refreshed and its fps is the agent's.
  const row = page.locator('tr[data-device="e2e-a"]');
  await eventually(async () => Number(await row.locator('[data-field="fps"]').textContent()) > 0, 15_000, 'a non-zero fps from the agent');

  // The device view: live chart points arrive from the agent's stats, and the rule's event shows with its frame.
  await row.locator('a').first().click();
  const points = async (): Promise<number> => Number(await page.locator('#chart-fps svg').getAttribute('data-points') ?? 0);
  await eventually(async () => (await points()) > 0, 15_000, 'the fps chart to have points');
  const before = await points();
  await eventually(async () => (await points()) > before, 15_000, 'the fps chart to grow as stats arrive');
  const fired = page.locator('#events-table tbody tr').filter({ hasText: 'fired' }).first();
  await fired.waitFor({ timeout: 20_000 });
  assert.equal(await fired.locator('[data-field="rule"]').textContent(), 'person');
  // The rule's sample follows its event (samples leave the outbox last): wait until the service has it.
  await eventually(async () => {
    const sampleIds = new Set((await service.store.listSamples({ deviceId: 'e2e-a', limit: 100 })).map((x) => x.meta.id));
    return (await service.store.listEvents({ deviceId: 'e2e-a', limit: 100 })).some((e) => e.event.sampleId !== undefined && sampleIds.has(e.event.sampleId));
  }, 20_000, 'an event of e2e-a with its sample stored');
  await eventually(async () => (await imageWidths(page, '#events-table img[data-field="thumbnail"]')).some((w) => w > 0), 30_000, 'an event frame decoded by the browser');

  const counters = service.counters();
  assert.equal(Object.values(counters.bad).reduce((a, b) => a + b, 0), 0, 'no message rejected');
  assert.ok((counters.byChannel.stats ?? 0) >= 2);
  assert.deepEqual(errors, [], 'no console error');
});
