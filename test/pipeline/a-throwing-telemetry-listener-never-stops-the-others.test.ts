import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineListeners } from '../../src/agent/listeners.ts';
import type { FrameResult } from '../../src/agent/pipeline.ts';
import type { Logger } from '../../src/log.ts';

test('each listener set is contained: one that throws on every frame neither stops the next nor logs every frame', () => {
  const errors: unknown[] = [];
  const logger = { error: (o: unknown) => errors.push(o), warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
  let seen = 0;
  const listeners = combineListeners(
    logger,
    {
      onResult: () => {
        throw new Error('telemetry bug');
      },
    },
    undefined,
    {
      onResult: () => {
        seen++;
      },
    },
  );
  const result = { seq: 1 } as unknown as FrameResult;
  for (let i = 0; i < 100; i++) listeners.onResult?.(result, undefined);
  assert.equal(seen, 100, 'the second set saw every frame');
  // Logged on the 1st, 2nd, 4th ... 64th failure: 7 lines for 100 failures.
  assert.equal(errors.length, 7);
});
