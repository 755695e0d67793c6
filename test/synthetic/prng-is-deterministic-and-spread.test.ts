import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSeed, Rng } from '../../src/agent/camera/synthetic/prng.ts';

test('the seeded generator repeats per seed, differs across seeds and spreads its draws', () => {
  const a = new Rng(123);
  const b = new Rng(123);
  const c = new Rng(124);
  const sa = Array.from({ length: 50 }, () => a.u32());
  assert.deepEqual(sa, Array.from({ length: 50 }, () => b.u32()));
  assert.notDeepEqual(sa, Array.from({ length: 50 }, () => c.u32()));

  const r = new Rng(5);
  const buckets = new Array<number>(10).fill(0);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < 20_000; i++) {
    buckets[Math.floor(r.float() * 10)]!++;
    const k = r.int(3, 6);
    lo = Math.min(lo, k);
    hi = Math.max(hi, k);
  }
  for (const n of buckets) assert.ok(n > 1800 && n < 2200, `bucket ${n}`);
  assert.deepEqual([lo, hi], [3, 6], 'int() includes both ends');
  assert.notEqual(hashSeed(1, 2), hashSeed(2, 1));
  assert.equal(hashSeed(1, 2), hashSeed(1, 2));
});
