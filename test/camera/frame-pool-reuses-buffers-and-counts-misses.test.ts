import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FramePool } from '../../src/agent/camera/frame-pool.ts';

test('the pool hands buffers back out, counts allocations past its fill, and refuses foreign buffers', () => {
  const pool = new FramePool(12, 2);
  pool.prefill();
  assert.deepEqual(pool.stats, { allocated: 2, misses: 0, free: 2, rejected: 0 });

  const a = pool.acquire();
  const b = pool.acquire();
  const c = pool.acquire();
  assert.equal(pool.stats.misses, 1);
  assert.equal(pool.stats.allocated, 3);
  assert.notEqual(a.buffer, b.buffer);
  assert.equal(a.buffer.byteLength, 12, 'each buffer owns a whole ArrayBuffer (transferable)');

  assert.equal(pool.release(new Uint8Array(11)), false, 'wrong size');
  assert.equal(pool.release(new Uint8Array(new ArrayBuffer(24), 12, 12)), false, 'a view into a larger buffer');
  assert.equal(pool.release(a), true);
  assert.equal(pool.acquire(), a, 'released buffers are reused');
  assert.equal(pool.release(a), true);
  assert.equal(pool.release(b), true);
  assert.equal(pool.release(c), false, 'the pool keeps no more than its capacity');
  assert.equal(pool.stats.rejected, 3);
});

test('a buffer that went to a worker and came back is reused; the detached original is refused', () => {
  const pool = new FramePool(8, 2);
  const sent = pool.acquire();
  sent[0] = 42;
  // What a worker round trip does: the ArrayBuffer moves, the sender's view is left detached.
  const back = new Uint8Array(structuredClone(sent.buffer, { transfer: [sent.buffer] }));
  assert.equal(sent.byteLength, 0);
  assert.equal(pool.release(sent), false);
  assert.equal(pool.release(back), true);
  assert.equal(pool.acquire()[0], 42);
});
