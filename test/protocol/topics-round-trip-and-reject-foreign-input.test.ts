import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_PUBLISHES, DEVICE_CHANNELS, allDevicesFilter, channelSchemas, deviceTopic, groupModelTopic, parseTopic, sharedFilter,
} from '../../src/protocol/index.ts';

test('every device channel round-trips through deviceTopic and parseTopic', () => {
  for (const channel of DEVICE_CHANNELS) {
    const topic = deviceTopic('pi-gate-01', channel);
    assert.equal(topic, `lookout/v1/dev/pi-gate-01/${channel}`);
    assert.deepEqual(parseTopic(topic), { kind: 'device', deviceId: 'pi-gate-01', channel });
  }
  assert.deepEqual(parseTopic(groupModelTopic('yard')), { kind: 'group-model', group: 'yard' });
});

test('ids that would break topic levels are refused', () => {
  for (const bad of ['', 'a/b', 'a+b', 'a#', '$sys', 'x'.repeat(65), 'sp ace']) {
    assert.throws(() => deviceTopic(bad, 'stats'), RangeError, bad);
  }
});

test('foreign or malformed topics parse to undefined', () => {
  for (const t of ['lookout/v2/dev/a/stats', 'lookout/v1/dev/a/unknown', 'lookout/v1/dev/a', 'lookout/v1/dev/+/stats', 'x', '']) {
    assert.equal(parseTopic(t), undefined, t);
  }
});

test('filters for the cloud side', () => {
  assert.equal(allDevicesFilter('stats'), 'lookout/v1/dev/+/stats');
  assert.equal(sharedFilter('ingest', allDevicesFilter('events')), '$share/ingest/lookout/v1/dev/+/events');
});

test('every channel the agent publishes has a schema', () => {
  for (const channel of AGENT_PUBLISHES) assert.ok(channelSchemas[channel], channel);
});
