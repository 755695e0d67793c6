import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SamplePolicy } from '../../src/agent/telemetry/samples/sample-policy.ts';
import { config, det, frameResult } from './helpers.ts';

test('a detection scoring in [0.25, 0.6) makes its frame uncertain; the band edges are exact', () => {
  // No spacing and no audits: only the band decides.
  const policy = new SamplePolicy(config({ minIntervalS: 0, auditRate: 0 }), 1);
  const decide = (...scores: number[]): string | null => policy.decide(frameResult(1, 0, scores.map((s) => det('person', s))));

  assert.equal(decide(0.25), 'uncertain');
  assert.equal(decide(0.5999), 'uncertain');
  assert.equal(decide(0.6), null);
  assert.equal(decide(0.2499), null);
  assert.equal(decide(0.95), null);
  assert.equal(decide(), null);
  // One uncertain detection among confident ones is enough.
  assert.equal(decide(0.9, 0.97, 0.41, 0.88), 'uncertain');

  const narrow = new SamplePolicy(config({ minIntervalS: 0, auditRate: 0, uncertainLow: 0.4, uncertainHigh: 0.45 }), 1);
  assert.equal(narrow.decide(frameResult(1, 0, [det('car', 0.42)])), 'uncertain');
  assert.equal(narrow.decide(frameResult(2, 0, [det('car', 0.3)])), null);
});
