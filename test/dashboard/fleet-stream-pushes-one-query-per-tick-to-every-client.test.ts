import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceSummary, Store } from '../../src/cloud/store/store.ts';
import { eventually, makeStore, sleep, SseClient, startDashboard, status, T0 } from './harness.ts';

interface FleetBody {
  now: number;
  devices: DeviceSummary[];
}

const PUSH_MS = 100;

test('the fleet stream pushes at once and then every period, one store query per tick for every client', async (t) => {
  const real = await makeStore(t);
  await real.upsertStatus(status('cam-1', T0), T0);
  let count = 0;
  const queries = (): number => count;
  // The real store, counting its fleet queries.
  const store = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      return key === 'listDevices' ? (...args: unknown[]) => { count++; return fn(...args); } : fn;
    },
  }) as Store;
  let clock = T0;
  // Each snapshot carries its own `now`, so every query's result can be told apart.
  const { url } = await startDashboard(t, { store, now: () => ++clock, fleetPushMs: PUSH_MS, ssePingMs: 60 });
  const stream = `${url}/api/v1/live/fleet`;

  await sleep(3 * PUSH_MS);
  assert.equal(queries(), 0, 'no client, no query');

  const a = await SseClient.open(stream);
  t.after(() => { a.close(); });
  assert.equal(a.response.status, 200);
  assert.equal(a.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.equal(a.response.headers.get('x-accel-buffering'), 'no');
  const firstA = await a.next(2000);
  assert.equal(firstA.event, 'fleet');
  const first = JSON.parse(firstA.data) as FleetBody;
  assert.deepEqual(first.devices.map((d) => d.deviceId), ['cam-1']);
  assert.equal(queries(), 1);

  const b = await SseClient.open(stream);
  t.after(() => { b.close(); });
  const firstB = JSON.parse((await b.next(2000)).data) as FleetBody;
  assert.ok(firstB.now >= first.now, 'a client joining gets the latest snapshot at once');

  await real.upsertStatus(status('cam-2', T0), T0);
  const seenA = new Map<number, FleetBody>([[first.now, first]]);
  const seenB = new Map<number, FleetBody>([[firstB.now, firstB]]);
  while (seenB.size < 6) {
    const body = JSON.parse((await b.next(2000)).data) as FleetBody;
    seenB.set(body.now, body);
  }
  while (a.pending() > 0 || !seenA.has(Math.max(...seenB.keys()))) {
    const body = JSON.parse((await a.next(2000)).data) as FleetBody;
    seenA.set(body.now, body);
  }
  const distinct = new Set([...seenA.keys(), ...seenB.keys()]);
  assert.ok(queries() <= distinct.size + 1, `${queries()} queries for ${distinct.size} snapshots (one may be in flight)`);
  for (const now of seenB.keys()) assert.ok(seenA.has(now), `both clients got snapshot ${now}`);
  assert.deepEqual([...seenB.values()].at(-1)?.devices.map((d) => d.deviceId), ['cam-1', 'cam-2'], 'a new device shows on the next tick');
  assert.ok(a.comments.includes(': ping'), 'comment lines keep proxies from closing the stream');

  a.close();
  b.close();
  // Once the server has seen both leave, the timer stops: the count settles and stays.
  let settled = -1;
  await eventually(async () => {
    const before = queries();
    await sleep(3 * PUSH_MS);
    settled = queries();
    return before === queries();
  }, 5000, 'queries to stop');
  await sleep(5 * PUSH_MS);
  assert.equal(queries(), settled, 'no timer when nobody is connected');

  const c = await SseClient.open(stream);
  t.after(() => { c.close(); });
  const again = JSON.parse((await c.next(2000)).data) as FleetBody;
  assert.ok(again.now > Math.max(...distinct), 'a client after a pause gets a fresh snapshot, not a stale cached one');
});
