import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actuation } from '../../src/agent/pipeline.ts';
import { sleep, startRig } from './helpers.ts';

test('a pulse ends on the rules timer, not on the next frame', async () => {
  const actuations: Actuation[] = [];
  // 2 fps: frames 500 ms apart; a 100 ms pulse must end long before the next frame.
  const rig = await startRig({
    model: 'v8-names',
    fps: 2,
    rules: [{ name: 'p', classes: ['person'], framesToFire: 1, holdMs: 100, maxOnMs: 60_000, action: 'pulse', pulseMs: 100, output: 'relay' }],
    listeners: { onActuation: (a) => actuations.push(a) },
  });
  await sleep(1200);
  await rig.stop();
  const on = actuations.find((a) => a.on);
  const off = actuations.find((a) => !a.on && on !== undefined && a.atMs > on.atMs);
  assert.ok(on !== undefined && off !== undefined, JSON.stringify(actuations));
  const width = off.atMs - on.atMs;
  assert.ok(width >= 95 && width < 400, `pulse lasted ${width} ms`);
  assert.equal(off.glassToGpioMs, null, 'a time-driven change has no capture to measure from');
});
