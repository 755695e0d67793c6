import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actuation, FrameResult } from '../../src/agent/pipeline.ts';
import { sleep, startRig } from './helpers.ts';

test('the firing frame stamps capture, inference and GPIO write; latency = write - capture', async () => {
  const actuations: Actuation[] = [];
  const results: FrameResult[] = [];
  const rig = await startRig({
    model: 'v8-names', // a person in every frame
    fps: 20,
    rules: [{ name: 'p', classes: ['person'], framesToFire: 3, holdMs: 5000, maxOnMs: 60_000, output: 'relay' }],
    listeners: {
      onActuation: (a) => actuations.push(a),
      onResult: (r) => results.push(r),
    },
  });
  await sleep(800);
  await rig.stop();
  const on = actuations.find((a) => a.on);
  assert.ok(on !== undefined, 'the relay switched on');
  assert.ok(on.glassToGpioMs !== null && on.glassToGpioMs > 0);
  const firing = results.find((r) => r.gpioWriteAt !== null);
  assert.ok(firing !== undefined);
  // The third matching frame fires (framesToFire 3); frames before it wrote nothing.
  assert.equal(results.indexOf(firing), 2);
  assert.ok(firing.gpioWriteAt! >= firing.capturedAt + firing.timings.inferenceMs);
  assert.equal(on.atMs, firing.gpioWriteAt);
  assert.equal(Number((on.glassToGpioMs).toFixed(6)), Number((firing.gpioWriteAt! - firing.capturedAt).toFixed(6)));
  assert.equal(rig.pipeline.glassToGpio.count, 1);
  // The transition reached the simulated line.
  assert.deepEqual(rig.actuator.transitions().filter((t) => t.output === 'relay').map((t) => t.on), [false, true, false]);
});
