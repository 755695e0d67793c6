import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SamplePolicy } from '../../src/agent/telemetry/samples/sample-policy.ts';
import { config, det, frameResult } from './helpers.ts';

function audits(seed: number, auditRate: number, frames: number): number[] {
  const policy = new SamplePolicy(config({ minIntervalS: 0, auditRate }), seed);
  const picked: number[] = [];
  for (let i = 0; i < frames; i++) {
    // Alternate empty and confident frames: both are eligible for audit.
    const detections = i % 2 === 0 ? [] : [det('person', 0.91)];
    if (policy.decide(frameResult(i, i * 100, detections)) === 'audit') picked.push(i);
  }
  return picked;
}

test('about auditRate of confident or empty frames are audited; one seed gives one sequence', () => {
  const a = audits(42, 0.05, 20_000);
  // Binomial(20000, 0.05): mean 1000, sd ~31; 6 sd either side.
  assert.ok(a.length > 815 && a.length < 1185, `${a.length} audits`);
  assert.deepEqual(audits(42, 0.05, 20_000), a);
  assert.notDeepEqual(audits(43, 0.05, 20_000), a);
  assert.deepEqual(audits(42, 0, 5000), []);
  assert.equal(audits(42, 1, 300).length, 300);
});

test('frames with an uncertain detection are never audits', () => {
  const policy = new SamplePolicy(config({ minIntervalS: 0, auditRate: 1 }), 7);
  assert.equal(policy.decide(frameResult(1, 0, [det('dog', 0.3)])), 'uncertain');
  assert.equal(policy.decide(frameResult(2, 0, [det('dog', 0.9)])), 'audit');
});
