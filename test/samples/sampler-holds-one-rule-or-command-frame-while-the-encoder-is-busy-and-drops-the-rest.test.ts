import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SamplePayload } from '../../src/protocol/index.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

test('while the encoder is busy one rule or command frame waits its turn; anything more is dropped and counted', async () => {
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
  // Busy: this one is held (the event or reply that carries its id must find its frame)...
  const second = sampler.captureNext();
  sampler.onResult(frameResult(2, clock.mono + 33, [det('car', 0.9)], { width: 640, height: 480 }), frame);
  // ...and a third, with the slot taken, is dropped.
  const third = sampler.captureNext();
  sampler.onResult(frameResult(3, clock.mono + 66, [det('car', 0.9)], { width: 640, height: 480 }), frame);
  assert.equal(sampler.stats.dropped.busy, 1);
  await sampler.idle();
  await sampler.idle();
  assert.deepEqual(sent.map((p) => p.id), [first, second]);
  assert.ok(!sent.some((p) => p.id === third));
  assert.equal(sampler.copies, 2, 'one copy per encoded sample');

  const fourth = sampler.captureNext();
  sampler.onResult(frameResult(4, clock.mono + 99, [], { width: 640, height: 480 }), frame);
  await sampler.stop();
  assert.deepEqual(sent.map((p) => p.id), [first, second, fourth]);
  assert.deepEqual(sampler.stats.chosen, { uncertain: 0, audit: 0, rule: 0, command: 4 });
  assert.equal(sampler.stats.dropped.busy, 1);

  // A result without pixels (the detector kept the buffer) is counted, not sampled.
  const after = new Sampler({ deviceId: 'pi-porch', config: config(), clock, model: () => ({ name: 'm', version: 1 }), publish: () => undefined });
  after.captureNext();
  after.onResult(frameResult(4, clock.mono, []), undefined);
  assert.equal(after.stats.dropped.noFrame, 1);
  // Stopped: nothing more is taken.
  sampler.captureNext();
  sampler.onResult(frameResult(5, clock.mono, [], { width: 640, height: 480 }), frame);
  assert.equal(sampler.copies, 3);
});
