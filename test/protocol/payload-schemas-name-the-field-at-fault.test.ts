import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandSchema, eventSchema, signedManifestSchema, statusSchema } from '../../src/protocol/index.ts';

test('a valid event parses', () => {
  const ev = {
    v: 1, deviceId: 'pi-1', id: 'e1', ts: 1_700_000_000_000, kind: 'fired', priority: 'alarm', rule: 'gate',
    detections: [{ label: 'person', score: 0.9, box: [1, 2, 3, 4] }], glassToGpioMs: 42,
  };
  assert.equal(eventSchema.parse(ev).rule, 'gate');
});

test('a bad field is reported by its path', () => {
  const r = eventSchema.safeParse({ v: 1, deviceId: 'pi-1', id: 'e1', ts: 1, kind: 'fired', priority: 'alarm', rule: 'g',
    detections: [{ label: 'person', score: 1.5, box: [1, 2, 3, 4] }] });
  assert.equal(r.success, false);
  assert.deepEqual(r.error.issues[0]?.path, ['detections', 0, 'score']);
});

test('status rejects an unknown state and a topic-breaking device id', () => {
  assert.equal(statusSchema.safeParse({ v: 1, deviceId: 'a', state: 'sleeping', ts: 1 }).success, false);
  assert.equal(statusSchema.safeParse({ v: 1, deviceId: 'a/b', state: 'online', ts: 1 }).success, false);
  assert.equal(statusSchema.safeParse({ v: 1, deviceId: 'a', state: 'online', ts: 1 }).success, true);
});

test('commands are a closed set with their own arguments', () => {
  assert.equal(commandSchema.safeParse({ id: '1', cmd: 'ping' }).success, true);
  assert.equal(commandSchema.safeParse({ id: '1', cmd: 'set-rule-enabled', rule: 'r', enabled: true }).success, true);
  assert.equal(commandSchema.safeParse({ id: '1', cmd: 'set-rule-enabled', rule: 'r' }).success, false);
  assert.equal(commandSchema.safeParse({ id: '1', cmd: 'format-disk' }).success, false);
  assert.equal(commandSchema.safeParse({ cmd: 'ping' }).success, false);
});

test('a signed manifest needs a 64-byte ed25519 signature in base64', () => {
  const sig = Buffer.alloc(64, 7).toString('base64');
  assert.equal(signedManifestSchema.safeParse({ v: 1, manifest: '{}', signature: sig, keyId: 'k1' }).success, true);
  assert.equal(signedManifestSchema.safeParse({ v: 1, manifest: '{}', signature: sig.slice(4), keyId: 'k1' }).success, false);
});
