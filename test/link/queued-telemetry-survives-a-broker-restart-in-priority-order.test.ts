import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import type { OutboxPriority } from '../../src/agent/telemetry/link/outbox-port.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, eventBytes, linkConfig, teardown, testStatus, topicOf, waitFor } from './helpers.ts';

const RANK: Record<OutboxPriority, number> = { alarm: 0, event: 1, stat: 2, sample: 3 };

test('a broker stopped under steady load: nothing acked or queued is lost, and the backlog goes out alarms first', { timeout: 30_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start({ persistence: true });
  cleanup(() => broker.dispose());
  const id = 'dev-restart';
  // A persistent 3.1.1 session: the broker keeps (and persists) what arrives while the observer reconnects.
  const observer = await Observer.connect(broker.url, [topicOf(id, 'events'), topicOf(id, 'stats'), topicOf(id, 'samples')], {
    protocolVersion: 4,
    clientId: 'observer-restart',
    clean: false,
  });
  cleanup(() => observer.close());

  const outbox = await TrackedOutbox.openFor(cleanup);
  const link = new TelemetryLink({ config: linkConfig(broker.url), deviceId: id, outbox, status: testStatus });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');

  // outbox id -> [payload id, priority, phase]
  const sent = new Map<number, { key: string; priority: OutboxPriority; down: boolean }>();
  let down = false;
  let n = 0;
  const topicFor: Record<OutboxPriority, string> = { alarm: topicOf(id, 'events'), event: topicOf(id, 'events'), stat: topicOf(id, 'stats'), sample: topicOf(id, 'samples') };
  const enqueue = (priority: OutboxPriority): void => {
    n += 1;
    const key = `${priority}-${n}`;
    const payload = priority === 'alarm' || priority === 'event' ? eventBytes(id, key, priority) : Buffer.from(JSON.stringify({ id: key }));
    sent.set(outbox.enqueue(priority, topicFor[priority], payload), { key, priority, down });
  };
  const mixed: OutboxPriority[] = ['sample', 'stat', 'alarm'];
  const load = setInterval(() => {
    enqueue('event');
    // While the broker is away, the backlog mixes every priority, lowest first, so order cannot come free.
    if (down) enqueue(mixed[n % mixed.length]!);
  }, 10);
  cleanup(() => { clearInterval(load); });

  await waitFor(() => outbox.acked.length >= 40, 5000, '40 acknowledged events');
  // Freeze the broker first, so the stop catches a full window of records published and never acknowledged.
  await broker.pause();
  await waitFor(() => outbox.inFlightCount === 16, 3000, 'a full in-flight window');
  const ackedBeforeStop = outbox.acked.map((outboxId) => sent.get(outboxId)!.key);
  await broker.stop();
  down = true;
  await waitFor(() => !link.connected, 3000, 'the link to notice');
  assert.equal(outbox.inFlightCount, 0, 'records in flight went back to the outbox');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  down = false;
  const backlog = [...sent.values()].filter((s) => s.down);
  assert.ok(backlog.length > 50, `a real backlog (${backlog.length})`);
  for (const p of ['alarm', 'event', 'stat', 'sample'] as const) assert.ok(backlog.some((s) => s.priority === p), `backlog holds ${p}`);

  await broker.start();
  await waitFor(() => link.connected, 5000, 'the link to reconnect');
  await new Promise((resolve) => setTimeout(resolve, 300));
  clearInterval(load);
  await waitFor(() => outbox.depth === 0, 5000, 'the outbox to drain');

  const received = (): string[] => observer.messages.map((m) => (JSON.parse(m.payload.toString('utf8')) as { id: string }).id);
  const everything = [...sent.values()].map((s) => s.key);
  await waitFor(() => new Set(received()).size >= new Set(everything).size, 8000, 'every record at the observer');
  const seen = new Set(received());
  for (const key of ackedBeforeStop) assert.ok(seen.has(key), `acked before the stop, then lost: ${key}`);
  for (const key of everything) assert.ok(seen.has(key), `lost: ${key}`);

  // Order of first arrival among what was queued while the broker was down.
  const order = received();
  const first = new Map<string, number>();
  order.forEach((key, i) => {
    if (!first.has(key)) first.set(key, i);
  });
  const arrivals = backlog.map((s) => ({ rank: RANK[s.priority], at: first.get(s.key)! })).sort((a, b) => a.at - b.at);
  for (let i = 1; i < arrivals.length; i++) {
    assert.ok(arrivals[i]!.rank >= arrivals[i - 1]!.rank, `priority order broken at arrival ${i}`);
  }
  assert.ok(link.metrics().reconnects >= 1);
});
