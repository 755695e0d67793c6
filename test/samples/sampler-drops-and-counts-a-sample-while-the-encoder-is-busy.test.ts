import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SamplePayload } from '../../src/protocol/index.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

test('a sample chosen while one is being encoded is dropped and counted; the encoder is free again afterwards', async () => {
  const clock = new ManualClock();
  const sent: SamplePayload[] = [];
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    config: config(),
    clock,
    model: () => ({ name: 'm', version: 1 }),
    publish: (p) => sent.push(p),
    seed: 2,
  });
  const frame = quadrantFrame(640, 480);
  const first = sampler.captureNext();
  sampler.onResult(frameResult(1, clock.mono, [det('car', 0.9)], { width: 640, height: 480 }), frame);
  const second = sampler.captureNext();
  sampler.onResult(frameResult(2, clock.mono + 33, [det('car', 0.9)], { width: 640, height: 480 }), frame);
  assert.equal(sampler.stats.dropped.busy, 1);
  assert.equal(sampler.copies, 1);
  await sampler.idle();
  assert.deepEqual(sent.map((p) => p.id), [first]);
  assert.notEqual(first, second);

  const third = sampler.captureNext();
  sampler.onResult(frameResult(3, clock.mono + 66, [], { width: 640, height: 480 }), frame);
  await sampler.stop();
  assert.deepEqual(sent.map((p) => p.id), [first, third]);
  assert.deepEqual(sampler.stats.chosen, { uncertain: 0, audit: 0, rule: 0, command: 3 });
  assert.equal(sampler.stats.dropped.busy, 1);

  // A result without pixels (the detector kept the buffer) is counted, not sampled.
  const after = new Sampler({ deviceId: 'pi-porch', config: config(), clock, model: () => ({ name: 'm', version: 1 }), publish: () => undefined });
  after.captureNext();
  after.onResult(frameResult(4, clock.mono, []), undefined);
  assert.equal(after.stats.dropped.noFrame, 1);
  // Stopped: nothing more is taken.
  sampler.captureNext();
  sampler.onResult(frameResult(5, clock.mono, [], { width: 640, height: 480 }), frame);
  assert.equal(sampler.copies, 2);
});
