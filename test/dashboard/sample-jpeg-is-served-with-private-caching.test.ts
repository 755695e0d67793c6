import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, getJson, jpeg, makeStore, sampleMeta, startDashboard, T0 } from './harness.ts';

test('a sample JPEG is served as image/jpeg with private caching, 404 when absent', async (t) => {
  const store = await makeStore(t);
  const bytes = await jpeg(80, 60);
  await store.insertSample(sampleMeta('cam-1', 's-1', T0), bytes, T0);
  const { url } = await startDashboard(t, { store, now: () => T0 });

  const res = await fetch(`${url}/api/v1/samples/cam-1/s-1/jpeg`, { headers: bearer });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.equal(res.headers.get('cache-control'), 'private, max-age=86400');
  assert.equal(res.headers.get('content-length'), String(bytes.length));
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);

  for (const path of ['/api/v1/samples/cam-1/s-2/jpeg', '/api/v1/samples/cam-2/s-1/jpeg']) {
    const missing = await getJson(`${url}${path}`);
    assert.equal(missing.status, 404, path);
    assert.equal((missing.body as { error: { code: string } }).error.code, 'SAMPLE_NOT_FOUND');
    assert.equal(missing.headers.get('cache-control'), 'no-store', 'a sample may still arrive: a 404 is not cached');
  }
  assert.equal((await fetch(`${url}/api/v1/samples/cam-1/s-1/jpeg`)).status, 401);
});
