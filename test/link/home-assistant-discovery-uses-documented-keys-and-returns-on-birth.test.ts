import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

// Keys of the MQTT binary sensor and sensor integrations, as the Home Assistant docs list them
// (home-assistant.io/integrations/binary_sensor.mqtt, /sensor.mqtt, /mqtt#discovery-messages).
const SHARED = [
  'availability', 'availability_mode', 'availability_template', 'availability_topic', 'default_entity_id', 'device',
  'device_class', 'enabled_by_default', 'encoding', 'entity_category', 'entity_picture', 'expire_after', 'force_update',
  'icon', 'json_attributes_template', 'json_attributes_topic', 'name', 'object_id', 'origin', 'payload_available',
  'payload_not_available', 'platform', 'qos', 'state_topic', 'unique_id', 'value_template',
];
const DOCUMENTED: Record<string, Set<string>> = {
  binary_sensor: new Set([...SHARED, 'off_delay', 'payload_off', 'payload_on']),
  sensor: new Set([...SHARED, 'last_reset_value_template', 'options', 'state_class', 'suggested_display_precision', 'unit_of_measurement']),
};
const DEVICE_KEYS = new Set(['configuration_url', 'connections', 'hw_version', 'identifiers', 'manufacturer', 'model', 'model_id', 'name', 'serial_number', 'suggested_area', 'sw_version', 'via_device']);
const AVAILABILITY_KEYS = new Set(['payload_available', 'payload_not_available', 'topic', 'value_template']);
const ORIGIN_KEYS = new Set(['name', 'sw_version', 'support_url']);

/** Follows `value_json.a.b["c"].d` in a template through a sample payload. */
function lookups(template: string, sample: unknown): unknown[] {
  const paths = [...template.matchAll(/value_json((?:\.[A-Za-z_]\w*|\["(?:[^"\\]|\\.)*"\])+)/g)];
  assert.ok(paths.length > 0, `template reads value_json: ${template}`);
  return paths.map((m) => {
    const steps = [...m[1]!.matchAll(/\.([A-Za-z_]\w*)|\[("(?:[^"\\]|\\.)*")\]/g)].map((s) => s[1] ?? (JSON.parse(s[2]!) as string));
    return steps.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], sample);
  });
}

test('Home Assistant discovery: documented keys only, templates that read real fields, republished on HA\'s birth', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const id = 'dev.ha-1';
  const rules = ['gate', 'back "door" {{ x }}'];
  const observer = await Observer.connect(broker.url, ['homeassistant/+/+/config'], { protocolVersion: 5 });
  cleanup(() => observer.close());

  const link = new TelemetryLink({
    config: linkConfig(broker.url, { homeassistant: { discoveryPrefix: 'homeassistant' } }),
    deviceId: id,
    outbox: await TrackedOutbox.openFor(cleanup),
    status: testStatus,
    discovery: () => ({ model: 'Lookout agent', swVersion: '0.1.0-test', rules, statsIntervalS: 10 }),
  });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => observer.messages.length === 5, 5000, 'five discovery configs');

  const samples: Record<string, unknown> = {
    [topicOf(id, 'state')]: { v: 1, deviceId: id, ts: 1, rules: { gate: { active: true, enabled: true }, [rules[1]!]: { active: false, enabled: true } }, outputs: {} },
    [topicOf(id, 'stats')]: { fps: 14.5, glassToGpioMs: { p50: 40, p95: 61, p99: 80, count: 100 }, cpuTempC: 51.2 },
    [topicOf(id, 'status')]: { v: 1, deviceId: id, state: 'online', ts: 1 },
  };
  const uniqueIds = new Set<string>();
  const components: string[] = [];
  for (const message of observer.messages) {
    const match = /^homeassistant\/(binary_sensor|sensor)\/([A-Za-z0-9_-]+)\/config$/.exec(message.topic);
    assert.ok(match, `discovery topic format: ${message.topic}`);
    const [, component, objectId] = match as unknown as [string, string, string];
    components.push(component);
    const config = JSON.parse(message.payload.toString('utf8')) as Record<string, unknown>;
    for (const key of Object.keys(config)) assert.ok(DOCUMENTED[component]!.has(key), `${component} key "${key}" is documented`);
    assert.equal(typeof config.state_topic, 'string');
    assert.equal(config.unique_id, objectId);
    assert.ok(!uniqueIds.has(objectId), 'unique ids are unique');
    uniqueIds.add(objectId);

    const device = config.device as Record<string, unknown>;
    for (const key of Object.keys(device)) assert.ok(DEVICE_KEYS.has(key), `device key "${key}"`);
    assert.ok(Array.isArray(device.identifiers) && device.identifiers.length > 0);
    assert.equal(device.sw_version, '0.1.0-test');
    for (const key of Object.keys(config.origin as object)) assert.ok(ORIGIN_KEYS.has(key), `origin key "${key}"`);

    const availability = config.availability as Record<string, unknown>[];
    for (const entry of availability) {
      for (const key of Object.keys(entry)) assert.ok(AVAILABILITY_KEYS.has(key), `availability key "${key}"`);
      assert.equal(entry.topic, topicOf(id, 'status'));
      assert.deepEqual(lookups(String(entry.value_template), samples[topicOf(id, 'status')]), ['online']);
    }
    const read = lookups(String(config.value_template), samples[String(config.state_topic)]);
    if (component === 'binary_sensor') {
      assert.equal(config.state_topic, topicOf(id, 'state'));
      assert.equal(typeof read[0], 'boolean', `binary sensor reads a rule's active flag: ${String(config.value_template)}`);
    } else {
      assert.equal(config.state_topic, topicOf(id, 'stats'));
      assert.equal(typeof read[0], 'number', `sensor reads a number: ${String(config.value_template)}`);
      assert.ok(['measurement', 'total', 'total_increasing'].includes(String(config.state_class)));
      assert.equal(config.expire_after, 30);
    }
  }
  assert.deepEqual(components.sort(), ['binary_sensor', 'binary_sensor', 'sensor', 'sensor', 'sensor']);

  // Retained: a Home Assistant that subscribes later still finds them.
  const late = await Observer.connect(broker.url, ['homeassistant/+/+/config'], { protocolVersion: 4 });
  cleanup(() => late.close());
  await waitFor(() => late.messages.length === 5, 3000, 'retained configs');
  assert.ok(late.messages.every((m) => m.retain));

  // Home Assistant's birth message brings them again; "offline" does not.
  await observer.client.publishAsync('homeassistant/status', 'offline', { qos: 1 });
  await observer.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
  await waitFor(() => observer.messages.length === 10, 3000, 'discovery again after the birth message');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(observer.messages.length, 10);
});
