import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookoutError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { Store } from '../../src/cloud/store/store.ts';
import { getJson, makeStore, startDashboard, status, T0 } from './harness.ts';

test('a store failure answers 500 with a code and no stack, and is logged', async (t) => {
  const real = await makeStore(t);
  await real.upsertStatus(status('cam-1', T0), T0);
  // The real store, with two reads failing the way a lost database connection does.
  const failing = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'listDevices') return () => Promise.reject(new LookoutError('store', 'STORE_UNAVAILABLE', 'connection refused at /var/lib/lookout/x.db'));
      if (key === 'listModels') return () => Promise.reject(new TypeError('cannot read properties of undefined'));
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as Store;
  const logged: object[] = [];
  const logger: Logger = {
    debug: () => undefined, info: () => undefined, warn: () => undefined,
    error: (obj) => { logged.push(typeof obj === 'string' ? { msg: obj } : obj); },
    child: () => logger,
  };
  const { url } = await startDashboard(t, { store: failing, now: () => T0, logger });

  const fleet = await getJson(`${url}/api/v1/fleet`);
  assert.equal(fleet.status, 500);
  assert.deepEqual(fleet.body, { error: { code: 'STORE_UNAVAILABLE', message: 'the server could not answer; its log has the details' } });
  const models = await getJson(`${url}/api/v1/models`);
  assert.equal(models.status, 500);
  assert.equal((models.body as { error: { code: string } }).error.code, 'INTERNAL_ERROR');
  for (const body of [JSON.stringify(fleet.body), JSON.stringify(models.body)]) {
    assert.doesNotMatch(body, /at |\.ts:|\/var\/lib/, 'no stack or internal path leaks');
  }
  assert.equal(logged.length, 2, 'each failure is logged for the operator');

  // Reads that work are unaffected.
  assert.equal((await getJson(`${url}/api/v1/devices/cam-1`)).status, 200);
});
