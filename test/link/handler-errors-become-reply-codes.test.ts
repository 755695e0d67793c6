import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandDispatcher, MAX_COMMAND_BYTES } from '../../src/agent/telemetry/link/command-dispatcher.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { LookoutError } from '../../src/errors.ts';
import { replySchema, type Reply } from '../../src/protocol/index.ts';

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function errorOf(reply: Reply): { code: string; path?: string; id: string | null } {
  replySchema.parse(reply);
  if (reply.ok) assert.fail(`expected an error reply, got ${JSON.stringify(reply)}`);
  return { code: reply.error.code, ...(reply.error.path !== undefined && { path: reply.error.path }), id: reply.id };
}

test('handler errors and bad requests become the reply codes of the protocol, with the field at fault', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const dispatcher = new CommandDispatcher({
    timers: systemTimers,
    timeoutMs: 1000,
    wallMs: () => 0,
    handlers: {
      'set-rule-enabled': ({ rule }) => {
        throw new LookoutError('config', 'UNKNOWN_RULE', `no rule "${rule}"`, { where: 'rule' });
      },
      'capture-sample': () => {
        throw new LookoutError('camera', 'CAMERA_LOST', 'no frames');
      },
      'get-config': () => cyclic,
      'set-domain': () => Promise.reject(new LookoutError('config', 'UNSUPPORTED', 'a real camera has no domain')),
    },
  });

  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '1', cmd: 'set-rule-enabled', rule: 'x', enabled: true }))), { code: 'UNKNOWN_RULE', path: 'rule', id: '1' });
  // A code outside the reply codes is FAILED, not leaked as is.
  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '2', cmd: 'capture-sample' }))), { code: 'FAILED', id: '2' });
  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '3', cmd: 'get-config' }))), { code: 'FAILED', id: '3' });
  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '4', cmd: 'set-domain', domain: {} }))), { code: 'UNSUPPORTED', id: '4' });
  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '5', cmd: 'restart-camera' }))), { code: 'UNSUPPORTED', id: '5' });
  assert.deepEqual(errorOf(await dispatcher.handle(bytes({ id: '6', cmd: 'set-domain', domain: { lighting: 3 } }))), { code: 'BAD_COMMAND', path: 'domain.lighting', id: '6' });
  assert.deepEqual(errorOf(await dispatcher.handle(Buffer.from('{"id":"7",'))), { code: 'BAD_JSON', id: null });
  assert.deepEqual(errorOf(await dispatcher.handle(Buffer.alloc(MAX_COMMAND_BYTES + 1, 0x20))), { code: 'BAD_COMMAND', id: null });
  assert.deepEqual(errorOf(await dispatcher.handle(Buffer.from([0x22, 0xff, 0x22]))), { code: 'BAD_JSON', id: null });
});
