import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SamplePolicy } from '../../src/agent/telemetry/samples/sample-policy.ts';
import { config, det, frameResult } from './helpers.ts';

test('uncertain and audit samples keep 10 s from the last sample; rule and command ones do not wait', () => {
  const policy = new SamplePolicy(config({ auditRate: 1 }), 3);
  const uncertain = [det('person', 0.4)];
  const confident = [det('person', 0.9)];
  const at = (s: number, d = uncertain): string | null => policy.decide(frameResult(Math.round(s * 10), s * 1000, d));

  assert.equal(at(0), 'uncertain');
  assert.equal(at(5), null);
  assert.equal(at(9.999, confident), null);
  policy.ruleFired();
  assert.equal(at(10.5, confident), 'rule');
  // The rule sample restarted the spacing: the next uncertain one waits until 20.5 s.
  assert.equal(at(12), null);
  assert.equal(at(20.4), null);
  assert.equal(at(20.5), 'uncertain');
  policy.captureNext();
  assert.equal(at(21, confident), 'command');
  // Flags are spent by the frame that used them.
  assert.equal(at(21.1, confident), null);
  // A command wins over a rule on the same frame, and both flags are spent.
  policy.ruleFired();
  policy.captureNext();
  assert.equal(at(22, confident), 'command');
  assert.equal(at(22.1, confident), null);
  assert.equal(at(32, confident), 'audit');
});
