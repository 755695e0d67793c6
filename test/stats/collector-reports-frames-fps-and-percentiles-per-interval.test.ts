import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLookoutError } from '../../src/errors.ts';
import { collectorWith, ManualClock, result } from './helpers.ts';

test('frames, fps and nearest-rank percentiles cover one interval and start over after each snapshot', async () => {
  const clock = new ManualClock();
  const { collector, sources } = collectorWith(clock);
  assert.throws(() => collector.snapshot(clock.wall), (e: unknown) => isLookoutError(e) && e.code === 'STATS_NOT_STARTED');
  // Counters from before start() are not this interval's.
  sources.pipeline.processed = 7;
  sources.pipeline.dropped = 1;
  sources.captured = 9;
  await collector.start();

  // 20 frames with inference 1..20 ms (fed out of order); 4 of them wrote GPIO after 30, 10, 20, 40 ms.
  const inference = [13, 2, 20, 7, 1, 9, 18, 4, 11, 16, 3, 15, 6, 19, 10, 5, 17, 8, 12, 14];
  const glass = new Map([[3, 30], [8, 10], [12, 20], [17, 40]]);
  inference.forEach((ms, seq) => {
    const g = glass.get(seq);
    collector.onResult(result(seq, { inferenceMs: ms, ...(g === undefined ? {} : { glassToGpioMs: g }) }));
  });
  sources.pipeline.processed += 20;
  sources.pipeline.dropped += 5;
  sources.captured += 25;
  clock.advance(10_000);

  const first = collector.snapshot(clock.wall);
  assert.equal(first.intervalS, 10);
  assert.equal(first.fps, 2);
  assert.deepEqual(first.frames, { captured: 25, processed: 20, dropped: 5 });
  // Nearest rank: p50 → 10th of 20 sorted, p95 → 19th, p99 → 20th.
  assert.deepEqual(first.inferenceMs, { p50: 10, p95: 19, p99: 20, count: 20 });
  // Sorted 10, 20, 30, 40: p50 → 2nd, p95 and p99 → 4th.
  assert.deepEqual(first.glassToGpioMs, { p50: 20, p95: 40, p99: 40, count: 4 });
  assert.equal(first.ts, clock.wall);

  // A 2.5 s interval with 3 frames and no GPIO write.
  for (const [i, ms] of [7.25, 8.5, 9].entries()) collector.onResult(result(100 + i, { inferenceMs: ms }));
  sources.pipeline.processed += 3;
  sources.captured += 3;
  clock.advance(2500);
  const second = collector.snapshot(clock.wall);
  assert.equal(second.intervalS, 2.5);
  assert.equal(second.fps, 1.2);
  assert.deepEqual(second.frames, { captured: 3, processed: 3, dropped: 0 });
  assert.deepEqual(second.inferenceMs, { p50: 8.5, p95: 9, p99: 9, count: 3 });
  assert.deepEqual(second.glassToGpioMs, { p50: 0, p95: 0, p99: 0, count: 0 });
});
