import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32 } from '../../src/agent/telemetry/outbox/crc32.ts';

test('crc32 gives the catalogue check value and agrees with zlib (through Python) on random buffers and ranges', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const buffers = [1, 3, 64, 1000, 65_537].map((n) => randomBytes(n));
  const zlib = execFileSync('/usr/bin/python3', ['-c', 'import sys, zlib\nfor line in sys.stdin: print(zlib.crc32(bytes.fromhex(line.strip())))'], {
    input: buffers.map((b) => b.toString('hex')).join('\n') + '\n',
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .map(Number);
  assert.deepEqual(buffers.map((b) => crc32(b)), zlib);
  const big = buffers[4]!;
  assert.equal(crc32(big, 100, 1100), crc32(big.subarray(100, 1100)), 'a range is the CRC of that slice');
});
