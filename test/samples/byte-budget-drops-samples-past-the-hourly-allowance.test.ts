import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SamplePayload } from '../../src/protocol/index.ts';
import { ByteBudget } from '../../src/agent/telemetry/samples/byte-budget.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

test('the bucket holds an hour\'s bytes and refills at the hourly rate; a forced spend leaves a debt', () => {
  const budget = new ByteBudget(3600);
  assert.equal(budget.take(3000, 0), true);
  assert.equal(budget.take(601, 0), false);
  assert.equal(budget.take(600, 0), true);
  // 1 byte per second comes back.
  assert.equal(budget.available(250_000), 250);
  assert.equal(budget.take(251, 250_000), false);
  // Never more than an hour's worth, however long it waits.
  assert.equal(budget.available(100 * 3_600_000), 3600);
  assert.equal(budget.take(5000, 100 * 3_600_000, true), true);
  assert.equal(budget.available(100 * 3_600_000), -1400);
  assert.equal(budget.take(1, 100 * 3_600_000 + 1_000_000), false);
  assert.equal(budget.available(100 * 3_600_000 + 1_401_000), 1);
});

function sampler(clock: ManualClock, bytesPerHour: number, sent: SamplePayload[]): Sampler {
  return new Sampler({
    deviceId: 'pi-porch',
    config: config({ bytesPerHour, minIntervalS: 0, auditRate: 0 }),
    clock,
    model: () => ({ name: 'm', version: 1 }),
    publish: (p) => sent.push(p),
    seed: 4,
    newId: () => 'same-length-id',
  });
}

test('an uncertain sample that would overdraw the hourly budget is dropped and counted; a command sample is not', async () => {
  const frame = quadrantFrame(64, 48);
  const uncertain = [det('person', 0.4)];
  // The size of one sample of this frame, as the budget counts it (its JSON bytes).
  const probeClock = new ManualClock();
  const probe: SamplePayload[] = [];
  const p = sampler(probeClock, 1_000_000, probe);
  p.onResult(frameResult(1, probeClock.mono, uncertain), frame);
  await p.idle();
  const bytes = Buffer.byteLength(JSON.stringify(probe[0]));

  const clock = new ManualClock();
  const sent: SamplePayload[] = [];
  const s = sampler(clock, Math.round(bytes * 1.5), sent);
  s.onResult(frameResult(1, clock.mono, uncertain), frame);
  await s.idle();
  s.onResult(frameResult(2, clock.mono, uncertain), frame);
  await s.idle();
  assert.equal(sent.length, 1);
  assert.equal(s.stats.dropped.budget, 1);
  assert.equal(s.stats.publishedBytes, bytes);

  // An operator's capture-sample goes through an empty bucket.
  s.captureNext();
  s.onResult(frameResult(3, clock.mono, uncertain), frame);
  await s.idle();
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.reason, 'command');

  // In samples' worth: the bucket held 1.5, two samples left a debt of 0.5; half an hour brings back 0.75.
  clock.advance(30 * 60_000);
  s.onResult(frameResult(4, clock.mono, uncertain), frame);
  await s.idle();
  assert.equal(sent.length, 2);
  assert.equal(s.stats.dropped.budget, 2);
  // A full hour after that the bucket holds a sample's worth again.
  clock.advance(60 * 60_000);
  s.onResult(frameResult(5, clock.mono, uncertain), frame);
  await s.idle();
  assert.equal(sent.length, 3);
});
