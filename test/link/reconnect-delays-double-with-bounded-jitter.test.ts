import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconnectDelay } from '../../src/agent/telemetry/link/backoff.ts';

test('reconnect delays double per failure up to the maximum, with jitter between half and all of each step', () => {
  const limits = { minMs: 1000, maxMs: 60_000 };
  const low = (n: number): number => reconnectDelay(n, limits, () => 0);
  const high = (n: number): number => reconnectDelay(n, limits, () => 0.999_999);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(high), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  assert.deepEqual([1, 2, 3, 7].map(low), [500, 1000, 2000, 30_000]);
  // Huge failure counts (days of outage) neither overflow nor exceed the cap.
  assert.equal(high(10_000), 60_000);
  assert.equal(low(0), 500);

  // Many devices failing together spread out instead of retrying in lockstep.
  let seed = 1;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const spread = new Set(Array.from({ length: 100 }, () => reconnectDelay(4, limits, random)));
  assert.ok(spread.size > 50, `${spread.size} distinct delays`);
  for (const ms of spread) assert.ok(ms >= 4000 && ms <= 8000);
});
