import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statsSchema } from '../../src/protocol/index.ts';
import { collectorWith, detection, ManualClock, result, thermalTree } from './helpers.ts';

test('a full stats payload passes statsSchema; gauges are read at the snapshot, outbox drops per interval', async (t) => {
  const tree = await thermalTree([{ type: 'cpu-thermal', temp: '61234\n' }]);
  t.after(tree.remove);
  const clock = new ManualClock();
  const outbox = { depth: 4, bytes: 2048, dropped: { alarm: 0, event: 1, stat: 2, sample: 3 } };
  const { collector, sources } = collectorWith(clock, {
    thermalRoot: tree.root,
    throttle: { read: () => Promise.resolve(0x50005) },
    memoryUsage: () => ({ rss: 187.44 * 1024 * 1024, heapUsed: 42.66 * 1024 * 1024 }),
    outbox: () => outbox,
    // Longer than the protocol's 32 characters: cut, not refused.
    detector: () => ({ provider: 'TensorrtExecutionProvider-fp16-int8-engine', model: { name: 'lookout-int8', version: 12, sha256: 'ab'.repeat(32) } }),
  });
  await collector.start();
  collector.onResult(result(1, { inferenceMs: 41.234, glassToGpioMs: 78.456, detections: [detection('person', 0.81)] }));
  sources.pipeline.processed = 1;
  sources.captured = 2;
  sources.pipeline.dropped = 1;
  outbox.dropped = { alarm: 0, event: 1, stat: 4, sample: 6 };
  outbox.depth = 9;
  clock.advance(10_000);

  const payload = await collector.collect();
  assert.deepEqual(statsSchema.parse(payload), payload);
  assert.equal(payload.deviceId, 'pi-porch');
  assert.equal(payload.ts, clock.wall);
  assert.equal(payload.cpuTempC, 61.2);
  assert.equal(payload.throttled, 0x50005);
  assert.deepEqual(payload.memory, { rssMb: 187.4, heapMb: 42.7 });
  assert.deepEqual(payload.outbox, { depth: 9, bytes: 2048, dropped: 5 });
  assert.equal(payload.provider, 'TensorrtExecutionProvider-fp16-i');
  assert.deepEqual(payload.inferenceMs, { p50: 41.23, p95: 41.23, p99: 41.23, count: 1 });
  assert.deepEqual(payload.glassToGpioMs, { p50: 78.46, p95: 78.46, p99: 78.46, count: 1 });
  assert.equal(payload.model.version, 12);

  // An empty interval is still a valid payload.
  clock.advance(10_000);
  const empty = await collector.collect();
  assert.deepEqual(statsSchema.parse(empty), empty);
  assert.equal(empty.outbox.dropped, 0);
  assert.equal(empty.fps, 0);
});
