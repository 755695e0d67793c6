/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): one
 * retained config message per entity on `<prefix>/<component>/<object_id>/config`. A binary sensor per rule
 * reads the retained `state` topic; sensors for fps, glass-to-GPIO p95 and CPU temperature read `stats`;
 * every entity is available while the retained `status` says the device is up.
 */
import { createHash } from 'node:crypto';
import { deviceTopic } from '../../../protocol/index.ts';

export interface DiscoveryDevice {
  /** Shown in Home Assistant; default: the device id. */
  readonly name?: string;
  readonly model: string;
  readonly swVersion: string;
  readonly rules: readonly string[];
  /** When set, stats sensors turn unavailable after three missed intervals (`expire_after`). */
  readonly statsIntervalS?: number;
}

export interface DiscoveryMessage {
  readonly topic: string;
  readonly config: Record<string, unknown>;
}

// Discovery docs: node_id and object_id "must only consist of characters from the character class
// [a-zA-Z0-9_-]".
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Rule names are free text: two may share a slug, so a short hash of the exact name keeps ids distinct. */
function ruleObjectId(deviceId: string, rule: string): string {
  const hash = createHash('sha256').update(rule).digest('hex').slice(0, 8);
  return `lookout_${slug(deviceId)}_rule_${slug(rule).slice(0, 40)}_${hash}`;
}

/**
 * A Jinja string literal of `text`: JSON's escapes (\" \\ \n \uXXXX) are all valid in Jinja's
 * Python-style string literals, so any rule name is quoted safely.
 */
function jinjaString(text: string): string {
  return JSON.stringify(text);
}

export function discoveryMessages(prefix: string, deviceId: string, device: DiscoveryDevice): DiscoveryMessage[] {
  const base = `lookout_${slug(deviceId)}`;
  const stateTopic = deviceTopic(deviceId, 'state');
  const statsTopic = deviceTopic(deviceId, 'stats');
  const common = {
    availability: [
      {
        topic: deviceTopic(deviceId, 'status'),
        // A degraded device is still up; starting, stopping and offline are not.
        value_template: "{{ 'online' if value_json.state in ['online', 'degraded'] else 'offline' }}",
        payload_available: 'online',
        payload_not_available: 'offline',
      },
    ],
    device: {
      identifiers: [base],
      name: device.name ?? deviceId,
      manufacturer: 'Lookout',
      model: device.model,
      sw_version: device.swVersion,
    },
    origin: { name: 'Lookout', sw_version: device.swVersion },
    qos: 1,
  };
  const expiry = device.statsIntervalS === undefined ? {} : { expire_after: Math.ceil(device.statsIntervalS * 3) };
  const sensor = (key: string, name: string, valueTemplate: string, extra: Record<string, unknown>): DiscoveryMessage => {
    const uniqueId = `${base}_${key}`;
    return {
      topic: `${prefix}/sensor/${uniqueId}/config`,
      config: {
        name,
        unique_id: uniqueId,
        state_topic: statsTopic,
        value_template: valueTemplate,
        state_class: 'measurement',
        entity_category: 'diagnostic',
        ...expiry,
        ...extra,
        ...common,
      },
    };
  };
  const rules = device.rules.map((rule): DiscoveryMessage => {
    const uniqueId = ruleObjectId(deviceId, rule);
    return {
      topic: `${prefix}/binary_sensor/${uniqueId}/config`,
      config: {
        name: `Rule ${rule}`,
        unique_id: uniqueId,
        state_topic: stateTopic,
        value_template: `{{ 'ON' if value_json.rules[${jinjaString(rule)}].active else 'OFF' }}`,
        payload_on: 'ON',
        payload_off: 'OFF',
        ...common,
      },
    };
  });
  return [
    ...rules,
    sensor('fps', 'Frames per second', '{{ value_json.fps }}', { unit_of_measurement: 'fps', icon: 'mdi:speedometer' }),
    sensor('glass_to_gpio_p95', 'Glass-to-GPIO p95', '{{ value_json.glassToGpioMs.p95 }}', { unit_of_measurement: 'ms', device_class: 'duration' }),
    // A board without a temperature sensor publishes null, which renders "None": Home Assistant shows unknown.
    sensor('cpu_temperature', 'CPU temperature', '{{ value_json.cpuTempC }}', { unit_of_measurement: '°C', device_class: 'temperature' }),
  ];
}
