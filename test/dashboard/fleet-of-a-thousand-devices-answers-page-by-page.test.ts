import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceSummary } from '../../src/cloud/store/store.ts';
import { getJson, makeStore, startDashboard, stats, status, T0 } from './harness.ts';

interface FleetBody {
  now: number;
  devices: DeviceSummary[];
}

test('a fleet of 1,000 devices answers in one page of 1,000 or page by page', async (t) => {
  const store = await makeStore(t);
  const ids = Array.from({ length: 1000 }, (_, i) => `cam-${String(i).padStart(4, '0')}`);
  for (const [i, id] of ids.entries()) {
    await store.upsertStatus(status(id, T0, { group: i % 2 === 0 ? 'yard' : 'gate', state: i % 100 === 0 ? 'degraded' : 'online' }), T0);
  }
  await store.insertStatsBatch(ids.map((id, i) => ({ stats: stats(id, T0 + 1000, { fps: i / 10 }), receivedAt: T0 + 1000 })));
  const now = T0 + 5000;
  const { url } = await startDashboard(t, { store, now: () => now, staleAfterMs: 30_000 });

  const started = performance.now();
  const all = await getJson(`${url}/api/v1/fleet?limit=1000`);
  const elapsed = performance.now() - started;
  assert.equal(all.status, 200);
  const body = all.body as FleetBody;
  assert.equal(body.now, now);
  assert.equal(body.devices.length, 1000);
  assert.deepEqual(body.devices.map((d) => d.deviceId), ids);
  assert.equal(body.devices[123]!.lastFps, 12.3);
  assert.equal(body.devices.filter((d) => d.liveness === 'degraded').length, 10);
  assert.ok(elapsed < 2000, `1,000 devices took ${elapsed.toFixed(0)} ms`);

  const first = (await getJson(`${url}/api/v1/fleet`)).body as FleetBody;
  assert.equal(first.devices.length, 200, 'the default page is 200 devices');
  const last = (await getJson(`${url}/api/v1/fleet?limit=1000&offset=900`)).body as FleetBody;
  assert.deepEqual(last.devices.map((d) => d.deviceId), ids.slice(900));
  const gate = (await getJson(`${url}/api/v1/fleet?group=gate&limit=1000`)).body as FleetBody;
  assert.equal(gate.devices.length, 500);
  assert.ok(gate.devices.every((d) => d.group === 'gate'));
});
