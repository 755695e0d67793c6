import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Router, splitPath } from '../../src/cloud/dashboard/router.ts';
import { modelFilesRoutes, parseRange } from '../../src/cloud/rollout/model-files-route.ts';

test('byte ranges parse as RFC 9110 says, and unsatisfiable ones are told apart', () => {
  assert.equal(parseRange(undefined, 100), null);
  assert.deepEqual(parseRange('bytes=10-19', 100), { start: 10, end: 19 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-5', 100), { start: 95, end: 99 });
  assert.deepEqual(parseRange('bytes=95-500', 100), { start: 95, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), undefined);
  assert.equal(parseRange('bytes=5-1', 100), undefined);
  assert.equal(parseRange('bytes=0-1,5-6', 100), null, 'a multi-range gets the whole file');
});

test('model files are served whole, by range, and nothing outside the folder or not a model', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-models-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  writeFileSync(join(dir, 'det-2.onnx'), bytes);
  writeFileSync(join(dir, 'secret.txt'), 'no');
  const router = new Router(modelFilesRoutes(dir));
  const server = createServer((req, res) => {
    const match = router.match(req.method ?? 'GET', splitPath(new URL(req.url ?? '/', 'http://x').pathname) ?? []);
    if (match.kind !== 'found') { res.writeHead(404).end(); return; }
    void match.route.handle({ req, res, params: match.params, query: new URLSearchParams() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => { resolve(); })));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const base = `http://127.0.0.1:${address.port}/models`;

  const whole = await fetch(`${base}/det-2.onnx`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);

  const tail = await fetch(`${base}/det-2.onnx`, { headers: { range: 'bytes=600-' } });
  assert.equal(tail.status, 206);
  assert.equal(tail.headers.get('content-range'), 'bytes 600-999/1000');
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(600));

  const past = await fetch(`${base}/det-2.onnx`, { headers: { range: 'bytes=1000-' } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), 'bytes */1000');
  await past.arrayBuffer();

  for (const name of ['secret.txt', '..%2Fsecret.onnx', 'missing-1.onnx']) {
    const r = await fetch(`${base}/${name}`);
    assert.equal(r.status, 404, name);
    await r.arrayBuffer();
  }
});
