import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusSchema } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, teardown, topicOf, waitFor } from './helpers.ts';

const child = new URL('./run-link-child.ts', import.meta.url).pathname;

test('an agent killed with SIGKILL leaves a retained offline status through its last will', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const id = 'dev-will';
  const statusTopic = topicOf(id, 'status');
  const observer = await Observer.connect(broker.url, [statusTopic], { protocolVersion: 5 });
  cleanup(() => observer.close());

  const outboxDir = await mkdtemp(join(tmpdir(), 'lookout-will-outbox-'));
  cleanup(() => rm(outboxDir, { recursive: true, force: true }));
  const agent = spawn(process.execPath, ['--import', 'tsx', child, broker.url, id, outboxDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup(() => agent.kill('SIGKILL'));
  let out = '';
  agent.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  await waitFor(() => out.includes('up'), 10_000, 'the agent to connect');
  await waitFor(() => observer.messages.length > 0, 3000, 'the online status');
  assert.equal(statusSchema.parse(observer.json(statusTopic)[0]).state, 'online');

  const exited = new Promise((resolve) => agent.once('exit', resolve));
  agent.kill('SIGKILL');
  await exited;
  await waitFor(() => observer.messages.length > 1, 5000, 'the last will');
  const will = statusSchema.parse(observer.json(statusTopic).at(-1));
  assert.equal(will.state, 'offline');
  assert.equal(will.reason, 'last-will');
  assert.equal(will.deviceId, id);

  // Retained: whoever subscribes later learns the device is offline.
  const late = await Observer.connect(broker.url, [statusTopic], { protocolVersion: 4 });
  cleanup(() => late.close());
  await waitFor(() => late.messages.length > 0, 3000, 'the retained status');
  assert.equal(late.messages[0]!.retain, true);
  const retained = statusSchema.parse(late.json(statusTopic)[0]);
  assert.equal(retained.state, 'offline');
  assert.equal(retained.reason, 'last-will');
});
