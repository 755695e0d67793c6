import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Detection } from '../../src/agent/detect/types.ts';
import type { RuleConfigInput } from '../../src/agent/rules/index.ts';
import { RuleHarness, detection, makeRule } from './helpers/rule-harness.ts';

/** The detections a one-frame rule fired with, or null when it did not fire. */
function firedWith(fields: Partial<RuleConfigInput>, detections: Detection[]): readonly Detection[] | null {
  const h = new RuleHarness([makeRule({ framesToFire: 1, ...fields })]);
  h.advance(100);
  const fired = h.frame(detections).events.find((e) => e.kind === 'fired');
  return fired === undefined ? null : fired.detections;
}

test('minScore is inclusive', () => {
  assert.notEqual(firedWith({ minScore: 0.5 }, [detection(undefined, 0.5)]), null);
  assert.equal(firedWith({ minScore: 0.5 }, [detection(undefined, 0.4999)]), null);
});

test('classes filter by label; an empty list accepts any label', () => {
  assert.equal(firedWith({ classes: ['car', 'truck'] }, [detection(undefined, 0.9, 'person')]), null);
  assert.notEqual(firedWith({ classes: ['car', 'truck'] }, [detection(undefined, 0.9, 'truck')]), null);
  assert.notEqual(firedWith({ classes: [] }, [detection(undefined, 0.9, 'dog')]), null);
});

test('minArea is a fraction of the frame area, inclusive', () => {
  // 640x480 = 307200 px; 10% = 30720 = 192 x 160.
  assert.notEqual(firedWith({ minArea: 0.1 }, [detection([0, 0, 192, 160])]), null);
  assert.equal(firedWith({ minArea: 0.1 }, [detection([0, 0, 191, 160])]), null);
});

test('minCount needs that many passing detections in one frame, and the event lists exactly those', () => {
  const a = detection([10, 10, 100, 200], 0.9);
  const b = detection([300, 10, 400, 200], 0.8);
  const weak = detection([500, 10, 600, 200], 0.2);
  const car = detection([200, 10, 250, 200], 0.9, 'car');
  assert.equal(firedWith({ minCount: 2, classes: ['person'] }, [a, weak, car]), null);
  assert.deepEqual(firedWith({ minCount: 2, classes: ['person'] }, [a, weak, car, b]), [a, b]);
});

test('a frame with zero size is refused with a LookoutError', () => {
  const h = new RuleHarness([makeRule()]);
  assert.throws(() => h.frame([detection()], 0, 480), { name: 'LookoutError', code: 'BAD_FRAME_SIZE' });
});
