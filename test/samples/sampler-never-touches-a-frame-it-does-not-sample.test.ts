import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

/** Wraps a frame so that any read of it (length, an index, a method) is counted. */
function spiedFrame(data: Uint8Array): { frame: Uint8Array; reads: () => number } {
  let reads = 0;
  const frame = new Proxy(data, {
    get(target, key) {
      reads++;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { frame, reads: () => reads };
}

test('frames the policy passes over are never read or copied; a sampled one is copied once', async () => {
  const clock = new ManualClock();
  let published = 0;
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    config: config({ auditRate: 0 }),
    clock,
    model: () => ({ name: 'm', version: 1 }),
    publish: () => published++,
    seed: 9,
  });
  const pixels = quadrantFrame(64, 48);
  const spies = [];
  for (let i = 0; i < 200; i++) {
    const spy = spiedFrame(pixels);
    spies.push(spy);
    // Confident detections, no rule, no command: nothing to sample.
    sampler.onResult(frameResult(i, clock.mono + i * 100, [det('person', 0.92)]), spy.frame);
  }
  assert.equal(spies.reduce((n, s) => n + s.reads(), 0), 0);
  assert.equal(sampler.copies, 0);

  sampler.captureNext();
  const chosen = spiedFrame(pixels);
  sampler.onResult(frameResult(200, clock.mono + 20_000, [det('person', 0.92)]), chosen.frame);
  assert.ok(chosen.reads() > 0, 'the sampled frame was read while the callback ran');
  const readsInCallback = chosen.reads();
  await sampler.idle();
  // Encoding works on the copy: the frame (back in the camera's pool by now) is not read again.
  assert.equal(chosen.reads(), readsInCallback);
  assert.equal(sampler.copies, 1);
  assert.equal(published, 1);
});
