import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectorWith, detection, ManualClock, result } from './helpers.ts';

test('per-label count, mean score and 10-bin histogram over 0..1, reset by every snapshot', async () => {
  const clock = new ManualClock();
  // `dog` is registered up front but never detected in the first interval: it is left out of the payload.
  const { collector } = collectorWith(clock, { labels: ['person', 'car', 'dog'] });
  await collector.start();

  collector.onResult(result(1, { detections: [detection('person', 0.05), detection('person', 0.1), detection('car', 0.3)] }));
  collector.onResult(result(2, { detections: [detection('person', 0.95), detection('person', 1)] }));
  collector.onResult(result(3, { detections: [] }));
  // A label the model list did not name still gets its row.
  collector.onResult(result(4, { detections: [detection('person', 0.55), detection('bicycle', 0.6)] }));
  clock.advance(10_000);
  const first = collector.snapshot(clock.wall);

  assert.deepEqual(Object.keys(first.classes).sort(), ['bicycle', 'car', 'person']);
  // 0.05 → bin 0, 0.1 → bin 1, 0.55 → bin 5, 0.95 and 1.0 → bin 9 (the last bin holds 1.0).
  assert.deepEqual(first.classes.person, { count: 5, meanScore: 0.53, hist: [1, 1, 0, 0, 0, 1, 0, 0, 0, 2] });
  // 0.3 is bin 3 even though 0.3 * 10 is 3.0000000000000004 in floating point.
  assert.deepEqual(first.classes.car, { count: 1, meanScore: 0.3, hist: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] });
  assert.deepEqual(first.classes.bicycle, { count: 1, meanScore: 0.6, hist: [0, 0, 0, 0, 0, 0, 1, 0, 0, 0] });

  collector.onResult(result(5, { detections: [detection('dog', 0.7), detection('dog', 0.8)] }));
  clock.advance(10_000);
  const second = collector.snapshot(clock.wall);
  assert.deepEqual(second.classes, { dog: { count: 2, meanScore: 0.75, hist: [0, 0, 0, 0, 0, 0, 0, 1, 1, 0] } });

  clock.advance(10_000);
  assert.deepEqual(collector.snapshot(clock.wall).classes, {});

  // The protocol bounds label keys at 64 characters.
  collector.onResult(result(6, { detections: [detection('x'.repeat(70), 0.5)] }));
  clock.advance(10_000);
  assert.deepEqual(Object.keys(collector.snapshot(clock.wall).classes), ['x'.repeat(64)]);
});
