import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { isLookoutError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { checkModelUrl, downloadModel } from '../../src/agent/update/download.ts';
import { ModelServer, readModel, sha256, tempDir } from './helpers.ts';

const options = { idleTimeoutMs: 5000, allowInsecureHttp: true, timers: systemTimers, logger: silentLogger, retryBaseMs: 10 };
const code = (expected: string) => (e: unknown): boolean => isLookoutError(e) && e.code === expected;

test('a server that sends more than the manifest size is refused with TOO_LARGE, from its header or from the bytes', { timeout: 30_000 }, async () => {
  const bytes = readModel('v8-names');
  const dir = tempDir();
  const target = (url: string) => ({ url, size: bytes.length - 1, sha256: sha256(bytes), partPath: join(dir, 'staging', 'm.part'), finalPath: join(dir, 'm.onnx') });

  // An honest Content-Length larger than the manifest's size: refused before a byte is written.
  const server = await ModelServer.start();
  try {
    await assert.rejects(downloadModel(target(server.serve('m.onnx', bytes)), options), code('TOO_LARGE'));
    assert.equal(existsSync(join(dir, 'staging', 'm.part')), false);
  } finally {
    await server.close();
  }

  // No Content-Length (chunked): the bytes themselves overflow; nothing past `size` reaches the disk.
  const chunked = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(bytes.subarray(0, 500));
    setTimeout(() => res.end(bytes.subarray(500)), 50);
  });
  await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', resolve));
  try {
    const address = chunked.address();
    assert.ok(address !== null && typeof address !== 'string');
    await assert.rejects(downloadModel(target(`http://127.0.0.1:${address.port}/m.onnx`), options), code('TOO_LARGE'));
    assert.equal(existsSync(join(dir, 'staging', 'm.part')), false, 'the overflowing part file is deleted');
    assert.equal(existsSync(join(dir, 'm.onnx')), false);
  } finally {
    chunked.closeAllConnections();
    await new Promise<void>((resolve) => chunked.close(() => { resolve(); }));
  }
});

test('model URLs are https, or http only when allowed; other schemes are BAD_URL', () => {
  assert.equal(checkModelUrl('https://models.example/a.onnx', false).hostname, 'models.example');
  assert.equal(checkModelUrl('http://models.example/a.onnx', true).protocol, 'http:');
  assert.throws(() => checkModelUrl('http://models.example/a.onnx', false), code('BAD_URL'));
  for (const url of ['file:///etc/shadow', 'ftp://models.example/a.onnx', 'javascript:alert(1)', 'not a url']) {
    assert.throws(() => checkModelUrl(url, true), code('BAD_URL'), url);
  }
});
