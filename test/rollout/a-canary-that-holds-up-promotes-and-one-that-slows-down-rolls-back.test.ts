import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../link/helpers.ts';
import { rolloutWorld } from './helpers.ts';

test('a canary that holds up through probation promotes the model to the whole group', async (t) => {
  const w = await rolloutWorld(t);
  const start = w.clock;
  await w.stats('c1', 1, start - 60_000, start, 10);
  const rollout = w.rollout();
  await rollout.begin();
  await waitFor(() => w.manifest('yard-canary') !== undefined, 5000, 'the canary manifest');
  const canary = w.manifest('yard-canary');
  assert.equal(canary?.version, 2);
  assert.equal(canary.rollback, false);
  assert.equal(canary.url, 'http://cloud.example:8080/models/lookout-int8-2.onnx');
  assert.equal(canary.sha256, w.v2.sha256);
  assert.equal(w.manifest('yard'), undefined, 'the fleet waits for the canary');

  // The canary runs v2 for half the probation: not yet.
  w.clock = start + 40_000;
  await w.stats('c1', 2, start + 10_000, start + 40_000, 10);
  await rollout.tick();
  assert.equal(rollout.current.phase, 'canary');
  // Probation over, as fast as before: promoted.
  w.clock = start + 80_000;
  await w.stats('c1', 2, start + 40_000, start + 80_000, 9.5);
  await rollout.tick();
  assert.equal(rollout.current.phase, 'fleet', rollout.current.reasons.join('; '));
  await waitFor(() => w.manifest('yard') !== undefined, 5000, 'the fleet manifest');
  assert.equal(w.manifest('yard')?.version, 2);
  // 30 s at 10 fps and 40 s at 9.5 fps under v2, against 60 s at 10 fps under v1.
  const figures = rollout.current.canary;
  assert.equal(figures?.before?.fps, 10);
  assert.ok(figures.after !== undefined && Math.abs(figures.after.fps - (30 * 10 + 40 * 9.5) / 70) < 1e-9, String(figures.after?.fps));
});

test('a canary whose fps falls during probation gets the previous model back as a signed rollback', async (t) => {
  const w = await rolloutWorld(t);
  const start = w.clock;
  await w.stats('c1', 1, start - 60_000, start, 10);
  const rollout = w.rollout();
  await rollout.begin();
  w.clock = start + 80_000;
  await w.stats('c1', 2, start + 10_000, start + 80_000, 4);
  await rollout.tick();
  assert.equal(rollout.current.phase, 'rolled-back');
  assert.match(rollout.current.reasons[0] ?? '', /canary fps 4\.0 against 10\.0 before/);
  await waitFor(() => w.manifest('yard-canary')?.version === 1, 5000, 'the rollback manifest');
  assert.equal(w.manifest('yard-canary')?.rollback, true);
  assert.equal(w.manifest('yard'), undefined, 'the fleet never saw v2');
});

test('a canary device that refuses or rolls back the model by itself ends the rollout at once', async (t) => {
  const w = await rolloutWorld(t);
  const rollout = w.rollout();
  await rollout.begin();
  w.clock += 5000;
  await w.store.upsertUpdate({ v: 1, deviceId: 'c1', ts: w.clock, name: 'lookout-int8', version: 2, state: 'rolled-back', code: 'TOO_SLOW' });
  await rollout.tick();
  assert.equal(rollout.current.phase, 'rolled-back');
  assert.match(rollout.current.reasons[0] ?? '', /c1: rolled-back TOO_SLOW/);
  assert.deepEqual(w.changes.map((c) => c.phase), ['canary', 'rolled-back']);
});
