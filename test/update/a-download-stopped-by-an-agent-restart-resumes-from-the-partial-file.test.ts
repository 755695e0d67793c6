import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isLookoutError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { downloadModel } from '../../src/agent/update/download.ts';
import { ModelServer, readModel, sha256, tempDir, waitFor } from './helpers.ts';

test('a download broken off by a stop keeps its partial file, and the next run asks only for the rest with Range', { timeout: 30_000 }, async () => {
  const server = await ModelServer.start();
  const dir = tempDir();
  mkdirSync(join(dir, 'staging'));
  try {
    const bytes = readModel('slow');
    const url = server.serve('m.onnx', bytes);
    const target = { url, size: bytes.length, sha256: sha256(bytes), partPath: join(dir, 'staging', 'm-9.onnx.part'), finalPath: join(dir, 'm-9.onnx') };
    const options = { idleTimeoutMs: 10_000, allowInsecureHttp: true, timers: systemTimers, logger: silentLogger };

    // The server sends 120 kB and then nothing: the agent stops (its abort signal) while waiting for more.
    server.setFaults({ stallAfterBytes: 120_000 });
    const abort = new AbortController();
    let progress = 0;
    const first = downloadModel(target, { ...options, signal: abort.signal, onProgress: (n) => (progress = n) });
    await waitFor(() => progress === 120_000, 10_000, '120 kB on disk');
    abort.abort();
    await assert.rejects(first, (e: unknown) => isLookoutError(e) && e.code === 'STOPPED');
    assert.equal(statSync(target.partPath).size, 120_000, 'the partial file stays');

    // Next run (a restarted agent): one request for the rest, then the file is checked and moved into place.
    server.setFaults({});
    const result = await downloadModel(target, options);
    assert.deepEqual(result, { resumedFrom: 120_000, attempts: 1 });
    assert.deepEqual(server.requests.map((r) => [r.status, r.range]), [[200, undefined], [206, 'bytes=120000-']]);
    assert.equal(sha256(readFileSync(target.finalPath)), target.sha256);
    assert.throws(() => statSync(target.partPath), /ENOENT/);

    // A third run finds the model in place and downloads nothing.
    assert.deepEqual(await downloadModel(target, options), { resumedFrom: bytes.length, attempts: 0 });
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});
