import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandDispatcher } from '../../src/agent/telemetry/link/command-dispatcher.ts';
import { systemTimers } from '../../src/util/timers.ts';

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

test('commands run one at a time in arrival order, and a handler that never returns is answered FAILED on timeout', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const dispatcher = new CommandDispatcher({
    timers: systemTimers,
    timeoutMs: 150,
    wallMs: () => 1_700_000_000_000,
    handlers: {
      'set-rule-enabled': async ({ rule, enabled }) => {
        calls.push(`start ${rule}=${enabled}`);
        // The first call is the slow one: a concurrent dispatcher would let the second overtake it.
        await new Promise((resolve) => setTimeout(resolve, enabled ? 60 : 1));
        calls.push(`end ${rule}=${enabled}`);
        return { enabled };
      },
      'restart-camera': () => new Promise(() => undefined),
    },
  });

  const replies = await Promise.all([
    dispatcher.handle(bytes({ id: 'a', cmd: 'set-rule-enabled', rule: 'gate', enabled: true })),
    dispatcher.handle(bytes({ id: 'b', cmd: 'set-rule-enabled', rule: 'gate', enabled: false })),
    dispatcher.handle(bytes({ id: 'c', cmd: 'ping' })),
  ]);
  assert.deepEqual(calls, ['start gate=true', 'end gate=true', 'start gate=false', 'end gate=false']);
  assert.deepEqual(replies.map((r) => [r.id, r.ok]), [['a', true], ['b', true], ['c', true]]);
  const ping = replies[2];
  assert.ok(ping.ok);
  assert.deepEqual(ping.result, { pong: true, ts: 1_700_000_000_000 });

  const started = Date.now();
  const [stuck, after] = await Promise.all([
    dispatcher.handle(bytes({ id: 'r', cmd: 'restart-camera' })),
    dispatcher.handle(bytes({ id: 'p', cmd: 'ping' })),
  ]);
  assert.ok(Date.now() - started >= 140, 'the timeout, not an early answer');
  if (stuck.ok) assert.fail('a stuck handler must not answer ok');
  assert.equal(stuck.error.code, 'FAILED');
  assert.match(stuck.error.message, /did not finish/);
  assert.equal(after.ok, true, 'the queue moves on after a timeout');
});
