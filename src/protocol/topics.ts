/**
 * MQTT topics of protocol v1. Leaf module shared by the agent and the cloud service.
 *
 *   lookout/v1/dev/{deviceId}/{status|state|stats|events|samples|update|cmd|reply}
 *   lookout/v1/group/{group}/model
 */
export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = 'lookout/v1';

export const DEVICE_CHANNELS = ['status', 'state', 'stats', 'events', 'samples', 'update', 'cmd', 'reply'] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];

/** Channels the agent publishes (the cloud subscribes to these). */
export const AGENT_PUBLISHES = ['status', 'state', 'stats', 'events', 'samples', 'update', 'reply'] as const satisfies readonly DeviceChannel[];

/**
 * Device ids and group names become topic levels, so they must not hold `/`, `+`, `#` (MQTT-4.7.1) or
 * start with `$` (MQTT-4.7.2); we also keep them short and printable so they are safe file names.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  if (!isValidId(deviceId)) throw new RangeError(`invalid device id "${deviceId}": must match ${ID_PATTERN.source}`);
  return `${TOPIC_ROOT}/dev/${deviceId}/${channel}`;
}

export function groupModelTopic(group: string): string {
  if (!isValidId(group)) throw new RangeError(`invalid group "${group}": must match ${ID_PATTERN.source}`);
  return `${TOPIC_ROOT}/group/${group}/model`;
}

/** A subscription filter for one channel of every device. */
export function allDevicesFilter(channel: DeviceChannel): string {
  return `${TOPIC_ROOT}/dev/+/${channel}`;
}

/** MQTT 5 shared subscription (MQTT-4.8.2): replicas in one share group split the messages between them. */
export function sharedFilter(shareGroup: string, filter: string): string {
  if (!isValidId(shareGroup)) throw new RangeError(`invalid share group "${shareGroup}"`);
  return `$share/${shareGroup}/${filter}`;
}

export type ParsedTopic =
  | { kind: 'device'; deviceId: string; channel: DeviceChannel }
  | { kind: 'group-model'; group: string };

/** Parses a topic of protocol v1, or returns undefined for anything else (never throws on foreign input). */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'lookout' || parts[1] !== 'v1') return undefined;
  const [, , scope, id, last] = parts as [string, string, string, string, string];
  if (!isValidId(id)) return undefined;
  if (scope === 'dev' && (DEVICE_CHANNELS as readonly string[]).includes(last)) {
    return { kind: 'device', deviceId: id, channel: last as DeviceChannel };
  }
  if (scope === 'group' && last === 'model') return { kind: 'group-model', group: id };
  return undefined;
}
