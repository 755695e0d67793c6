import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../src/log.ts';
import type { StatsPayload } from '../../src/protocol/index.ts';
import { collectorWith, ManualClock, ManualTimers, result } from './helpers.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('with a publisher the collector sends a snapshot every interval, keeps the cadence, survives a fault, stops', async () => {
  const clock = new ManualClock();
  const timers = new ManualTimers();
  let failTemp = false;
  const errors: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_obj, msg) => errors.push(msg ?? ''),
    child: () => logger,
  };
  const { collector, sources } = collectorWith(clock, {
    timers,
    logger,
    throttle: {
      read: () => (failTemp ? Promise.reject(new Error('probe broke')) : Promise.resolve(null)),
    },
  });
  const sent: StatsPayload[] = [];
  await collector.start((p) => sent.push(p));
  assert.deepEqual(timers.live().map((t) => t.ms), [10_000]);

  collector.onResult(result(1));
  sources.pipeline.processed = 1;
  // The timer fires 300 ms late and the collection takes 200 ms: the next one is still due at 20 s.
  clock.advance(10_300);
  timers.fire();
  clock.advance(200);
  await settle();
  assert.equal(sent.length, 1);
  // The interval ends when the snapshot is taken, after the slow gauges were read.
  assert.equal(sent[0]!.intervalS, 10.5);
  assert.equal(sent[0]!.frames.processed, 1);
  assert.deepEqual(timers.live().map((t) => t.ms), [9500]);

  // A failing collection is logged and the next interval is still armed.
  failTemp = true;
  clock.advance(9500);
  timers.fire();
  await settle();
  assert.equal(sent.length, 1);
  assert.deepEqual(errors, ['stats collection failed']);
  assert.deepEqual(timers.live().map((t) => t.ms), [10_000]);

  // An overrun of more than one interval skips the missed slots.
  failTemp = false;
  clock.advance(25_000);
  timers.fire();
  await settle();
  assert.equal(sent.length, 2);
  assert.deepEqual(timers.live().map((t) => t.ms), [5000]);

  await collector.stop();
  await collector.stop();
  assert.deepEqual(timers.live(), []);
});
