import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/main.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { AGENT_PUBLISHES, channelSchemas, parseTopic, type DeviceChannel } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, waitFor } from '../link/helpers.ts';

test('a real agent (bundled model, synthetic scene) publishes only protocol topics, each payload valid by its schema', { timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start();
  const observer = await Observer.connect(broker.url, ['lookout/v1/#']);
  const agent = new Agent({
    config: parseConfig({
      device: { id: 'schema-check', group: 'test' },
      stateDir: mkdtempSync(join(tmpdir(), 'lookout-schema-')),
      camera: { source: 'synthetic', width: 640, height: 480, fps: 10, seed: 42 },
      detector: { threads: 1 },
      gpio: { backend: 'sim', outputs: [{ name: 'relay', line: 17 }] },
      rules: [{ name: 'anyone', classes: ['person', 'car', 'dog'], minScore: 0.4, framesToFire: 1, holdMs: 300, maxOnMs: 60_000, output: 'relay', priority: 'alarm' }],
      mqtt: { url: broker.url, reconnectMinMs: 50, reconnectMaxMs: 500 },
      telemetry: { statsIntervalS: 1, samples: { minIntervalS: 1 } },
    }),
    logger: silentLogger,
  });
  const seen = new Set<DeviceChannel>();
  try {
    await agent.start();
    await waitFor(() => ['status', 'state', 'stats', 'events', 'samples'].every((c) => observer.messages.some((m) => m.topic.endsWith(`/${c}`))), 40_000, 'status, state, stats, events and samples');
  } finally {
    await agent.stop();
    await new Promise((r) => setTimeout(r, 300));
    await observer.close();
    await broker.dispose();
  }
  assert.ok(observer.messages.length > 5);
  for (const m of observer.messages) {
    const topic = parseTopic(m.topic);
    assert.ok(topic?.kind === 'device' && topic.deviceId === 'schema-check', `foreign topic ${m.topic}`);
    assert.ok((AGENT_PUBLISHES as readonly string[]).includes(topic.channel), `the agent published on ${topic.channel}`);
    const result = channelSchemas[topic.channel].safeParse(JSON.parse(m.payload.toString('utf8')));
    assert.ok(result.success, `${m.topic}: ${JSON.stringify(result.error?.issues[0])}`);
    seen.add(topic.channel);
  }
  for (const c of ['status', 'state', 'stats', 'events', 'samples'] as const) assert.ok(seen.has(c), c);
});
