import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectorThreads } from '../../src/agent/main.ts';

test('threads 0 means every core but one, never fewer than one; a configured count is kept', () => {
  assert.equal(detectorThreads(0, 4), 3);
  assert.equal(detectorThreads(0, 2), 1);
  assert.equal(detectorThreads(0, 1), 1);
  assert.equal(detectorThreads(2, 4), 2);
  assert.equal(detectorThreads(6, 4), 6);
});
