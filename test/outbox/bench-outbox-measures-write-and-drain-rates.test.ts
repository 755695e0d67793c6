import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchOutbox } from '../../src/agent/telemetry/outbox/bench.ts';
import { segmentFiles, tempDir } from './support/helpers.ts';

test('benchOutbox writes and drains every record and reports rates', async () => {
  const dir = tempDir();
  const result = await benchOutbox(dir, 2000, { batch: 200 });
  assert.equal(result.records, 2000);
  assert.equal(result.flushes, 20, '10 write batches and 10 drain batches');
  for (const rate of [result.writtenPerS, result.drainedPerS, result.enqueuePerS]) assert.ok(Number.isFinite(rate) && rate > 0);
  assert.ok(result.enqueuePerS > result.writtenPerS, 'enqueue alone is cheaper than enqueue + fdatasync');
  assert.equal(segmentFiles(dir).length, result.segmentsLeft);
  assert.equal(result.segmentsLeft, 1, 'everything acknowledged: only the newest segment remains');
});
