import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import { LookoutError } from '../../src/errors.ts';
import { stateSchema, statusSchema, type StatePayload } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

const state = (active: boolean): StatePayload => ({ v: 1, deviceId: 'dev-state', ts: Date.now(), rules: { gate: { active, enabled: true } }, outputs: { siren: active } });

test('only the latest state is published, retained, and state and status come back after a broker that forgot them', { timeout: 20_000 }, async (t) => {
  const cleanup = teardown(t);
  // No persistence: a restart loses every retained message.
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const id = 'dev-state';
  const link = new TelemetryLink({ config: linkConfig(broker.url), deviceId: id, outbox: await TrackedOutbox.openFor(cleanup), status: testStatus });
  cleanup(() => link.stop());

  link.publishState(state(true));
  link.publishState(state(false));
  assert.throws(() => { link.publishState({ ...state(true), rules: { gate: { active: 'yes' } } } as unknown as StatePayload); }, (e: unknown) => e instanceof LookoutError && e.code === 'BAD_STATE' && e.where === 'rules.gate.active');
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');
  link.setStatus('degraded', 'camera-lost');

  const late = async (): Promise<Observer> => {
    const observer = await Observer.connect(broker.url, [topicOf(id, 'state'), topicOf(id, 'status')], { protocolVersion: 5 });
    cleanup(() => observer.close());
    await waitFor(() => observer.on(topicOf(id, 'state')).length > 0 && observer.on(topicOf(id, 'status')).length > 0, 3000, 'retained state and status');
    return observer;
  };
  const first = await late();
  const states = first.json(topicOf(id, 'state')).map((s) => stateSchema.parse(s));
  assert.equal(states.length, 1, 'the superseded state was never sent');
  assert.equal(states[0]!.rules.gate!.active, false);
  assert.ok(first.on(topicOf(id, 'state'))[0]!.retain);
  await waitFor(() => statusSchema.parse(first.json(topicOf(id, 'status')).at(-1)).state === 'degraded', 3000, 'the degraded status');

  await broker.restart();
  await waitFor(() => link.metrics().reconnects >= 1 && link.connected, 5000, 'the link to reconnect');
  const second = await late();
  assert.equal(stateSchema.parse(second.json(topicOf(id, 'state'))[0]).rules.gate!.active, false);
  const status = statusSchema.parse(second.json(topicOf(id, 'status')).at(-1));
  assert.equal(status.state, 'degraded');
  assert.equal(status.reason, 'camera-lost');
});
