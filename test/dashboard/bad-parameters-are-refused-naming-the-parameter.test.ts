import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, getJson, makeStore, startDashboard, status, T0 } from './harness.ts';

interface ErrorBody {
  error: { code: string; field?: string; message: string };
}

test('bad parameters are refused with 400 naming the parameter; unknown routes 404, wrong methods 405', async (t) => {
  const store = await makeStore(t);
  await store.upsertStatus(status('cam-1', T0), T0);
  const { url } = await startDashboard(t, { store, now: () => T0 });

  const cases: [string, string][] = [
    ['/api/v1/fleet?limit=0', 'limit'],
    ['/api/v1/fleet?limit=abc', 'limit'],
    ['/api/v1/fleet?limit=1001', 'limit'],
    ['/api/v1/fleet?limit=1.5', 'limit'],
    ['/api/v1/fleet?offset=-1', 'offset'],
    ['/api/v1/fleet?group=a%2Fb', 'group'],
    ['/api/v1/fleet?limit=5&limit=6', 'limit'],
    ['/api/v1/fleet?limt=5', 'limt'],
    ['/api/v1/devices/a%2Fb', 'id'],
    ['/api/v1/devices/%24SYS', 'id'],
    [`/api/v1/devices/cam-1/series?from=${T0}&to=${T0}`, 'from'],
    [`/api/v1/devices/cam-1/series?from=${T0 + 1}&to=${T0}`, 'from'],
    ['/api/v1/devices/cam-1/series?points=0', 'points'],
    ['/api/v1/devices/cam-1/series?points=2001', 'points'],
    ['/api/v1/devices/cam-1/series?to=soon', 'to'],
    ['/api/v1/events?device=a%2Fb', 'device'],
    ['/api/v1/events?limit=501', 'limit'],
    ['/api/v1/events?since=yesterday', 'since'],
    ['/api/v1/samples?labelled=maybe', 'labelled'],
    ['/api/v1/samples?labelled=true&limit=0', 'limit'],
    ['/api/v1/samples/a%2Fb/s1/jpeg', 'device'],
    ['/api/v1/samples/cam-1/..%2Fx/jpeg', 'id'],
    ['/api/v1/live/devices/a%2Fb', 'id'],
    ['/api/v1/models?x=1', 'x'],
  ];
  for (const [path, field] of cases) {
    const { status: code, body, headers } = await getJson(`${url}${path}`);
    assert.equal(code, 400, path);
    const { error } = body as ErrorBody;
    assert.equal(error.code, 'BAD_PARAMETER', path);
    assert.equal(error.field, field, path);
    assert.ok(error.message.length > 0, path);
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
  }

  // Good values of the same parameters pass.
  for (const path of ['/api/v1/fleet?limit=1000&offset=0&group=yard', `/api/v1/devices/cam-1/series?from=${T0 - 1000}&to=${T0}&points=2000`,
    '/api/v1/events?device=cam-1&since=0&limit=500', '/api/v1/samples?labelled=false&device=cam-1&limit=5']) {
    assert.equal((await getJson(`${url}${path}`)).status, 200, path);
  }

  const missing = await getJson(`${url}/api/v1/devices/cam-2`);
  assert.equal(missing.status, 404);
  assert.equal((missing.body as ErrorBody).error.code, 'DEVICE_NOT_FOUND');
  for (const path of ['/api/v1/nothing', '/api/v1/fleet/', '/api/v1/devices/cam-1/stats', '/api/v2/fleet']) {
    const res = await getJson(`${url}${path}`);
    assert.equal(res.status, 404, path);
    assert.equal((res.body as ErrorBody).error.code, 'NOT_FOUND', path);
  }
  const wrongMethod = await fetch(`${url}/api/v1/fleet`, { method: 'DELETE', headers: bearer });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET, HEAD');
  assert.equal(((await wrongMethod.json()) as ErrorBody).error.code, 'METHOD_NOT_ALLOWED');
  assert.equal((await fetch(`${url}/healthz`, { method: 'POST' })).status, 405);
});
