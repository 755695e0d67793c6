import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkConfigSchema } from '../../src/agent/telemetry/link/schema.ts';

const pathsOf = (input: unknown): string[] => {
  const result = linkConfigSchema.safeParse(input);
  assert.equal(result.success, false, JSON.stringify(input));
  return result.error.issues.map((i) => i.path.join('.'));
};

test('the mqtt config fills its defaults and names each bad field by path', () => {
  const config = linkConfigSchema.parse({ url: 'mqtts://broker.example:8883', tls: { ca: '/etc/lookout/ca.pem' } });
  assert.equal(config.keepaliveS, 30);
  assert.equal(config.reconnectMinMs, 1000);
  assert.equal(config.reconnectMaxMs, 60_000);
  assert.equal(config.protocol, 'auto');
  assert.equal(config.inflight, 16);
  assert.equal(config.tls?.rejectUnauthorized, true);
  assert.equal(config.clientId, undefined);
  assert.equal(config.homeassistant.discoveryPrefix, undefined);
  assert.equal(config.homeassistant.statusTopic, 'homeassistant/status');

  assert.deepEqual(pathsOf({ url: 'http://broker' }), ['url']);
  assert.deepEqual(pathsOf({ url: 'not a url' }), ['url']);
  assert.deepEqual(pathsOf({ url: 'mqtt://b', tls: { cert: '/c.pem' } }), ['tls.key']);
  assert.deepEqual(pathsOf({ url: 'mqtt://b', reconnectMinMs: 5000, reconnectMaxMs: 1000 }), ['reconnectMaxMs']);
  assert.deepEqual(pathsOf({ url: 'mqtt://b', protocol: 3 }), ['protocol']);
  assert.deepEqual(pathsOf({ url: 'mqtt://b', homeassistant: { discoveryPrefix: 'ha/#' } }), ['homeassistant.discoveryPrefix']);
  assert.deepEqual(pathsOf({ url: 'mqtt://b', keepalive: 30 }), ['']);

  // Every field is documented (the config table is generated from these descriptions).
  for (const [key, field] of Object.entries(linkConfigSchema.shape)) {
    assert.ok(field.description !== undefined && field.description.length > 0, `mqtt.${key} has a description`);
  }
});
