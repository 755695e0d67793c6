import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../../src/log.ts';
import type { Priority } from '../../src/agent/telemetry/outbox/types.ts';
import { drainAll, manualClock, openOutbox, tempDir } from './support/helpers.ts';

/** Every record is 100 bytes (1-byte topic + 99-byte payload); the outbox holds 10. */
const RECORD = new Uint8Array(99);

function warnings(): { logger: Logger; warns: string[] } {
  const warns: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_obj, msg) => warns.push(msg ?? ''),
    error: () => undefined,
    child: () => logger,
  };
  return { logger, warns };
}

test('a full outbox drops oldest samples, then stats, then events; alarms only when nothing else is left', async () => {
  const dir = tempDir();
  const clock = manualClock();
  const { logger, warns } = warnings();
  const outbox = await openOutbox(dir, { maxBytes: 1000 }, { clock, logger });
  const names = new Map<number, string>();
  const put = (p: Priority, name: string): number => {
    const id = outbox.enqueue(p, name[0]!, RECORD);
    names.set(id, name);
    return id;
  };
  /** Names of every record held, sendable or in flight, in drain order. */
  const held = async (): Promise<string[]> => {
    await outbox.flush();
    outbox.requeueInFlight();
    const records = drainAll(outbox);
    outbox.requeueInFlight();
    return records.map((r) => names.get(r.id)!);
  };

  for (const [p, name] of [['alarm', 'a1'], ['event', 'e1'], ['stat', 's1'], ['sample', 'p1'], ['alarm', 'a2'], ['event', 'e2'], ['stat', 's2'], ['sample', 'p2'], ['sample', 'p3'], ['sample', 'p4']] as const) put(p, name);
  assert.equal(outbox.stats.bytes, 1000);
  assert.deepEqual(outbox.stats.dropped, { alarm: 0, event: 0, stat: 0, sample: 0 });

  put('event', 'e3');
  put('stat', 's3');
  put('sample', 'p5'); // goes in: p3 is an older sample
  assert.deepEqual(await held(), ['a1', 'a2', 'e1', 'e2', 'e3', 's1', 's2', 's3', 'p4', 'p5']);
  assert.deepEqual(outbox.stats.dropped, { alarm: 0, event: 0, stat: 0, sample: 3 });

  put('alarm', 'a3');
  put('alarm', 'a4');
  const p6 = put('sample', 'p6'); // no older sample to make room, and a sample never evicts a stat
  assert.ok(p6 > 0, 'a record dropped on arrival still gets an id');
  put('event', 'e4');
  assert.deepEqual(await held(), ['a1', 'a2', 'a3', 'a4', 'e1', 'e2', 'e3', 'e4', 's2', 's3']);
  assert.deepEqual(outbox.stats.dropped, { alarm: 0, event: 0, stat: 1, sample: 6 });

  // Records in flight are dropped like any other (their late PUBACK is then ignored).
  const inFlight = outbox.next(10).map((r) => r.id);
  for (const name of ['a5', 'a6', 'a7', 'a8', 'a9', 'a10']) put('alarm', name);
  assert.deepEqual(await held(), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10']);
  assert.deepEqual(outbox.stats.dropped, { alarm: 0, event: 4, stat: 3, sample: 6 });

  put('alarm', 'a11'); // only alarms left: the oldest alarm goes
  put('event', 'e5'); // an event never evicts an alarm
  assert.deepEqual(await held(), ['a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']);
  assert.deepEqual(outbox.stats.dropped, { alarm: 1, event: 5, stat: 3, sample: 6 });
  assert.deepEqual(outbox.stats.byPriority, { alarm: 10, event: 0, stat: 0, sample: 0 });
  assert.equal(outbox.stats.bytes, 1000);
  for (const id of inFlight) outbox.ack(id);
  assert.equal(outbox.stats.acked, 3, 'a late PUBACK for a dropped record (a1, the events, the stats) is ignored');
  assert.deepEqual(await held(), ['a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']);

  for (const name of ['a12', 'a13', 'a14', 'a15']) put('alarm', name);
  assert.equal(outbox.stats.dropped.alarm, 2);
  assert.equal(warns.length, 1, 'the drop warning is rate-limited');
  clock.advance(10_000);
  put('alarm', 'a16');
  assert.equal(warns.length, 2, 'and repeated after 10 s');
  const kept = await held();
  assert.deepEqual(kept, ['a7', 'a8', 'a9', 'a10', 'a11', 'a12', 'a13', 'a14', 'a15', 'a16']);
  await outbox.close();

  // Dropped and acknowledged records are gone from the disk too.
  const reopened = await openOutbox(dir, { maxBytes: 1000 });
  assert.deepEqual(drainAll(reopened).map((r) => names.get(r.id)), kept);
  await reopened.close();
});
