import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../src/config/schema.ts';
import { deviceTopic, type EventPayload, type StatsPayload } from '../../src/protocol/index.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { Observer, waitFor } from '../link/helpers.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { AgentProcess, whyNoMountNamespace } from './support/agent-process.ts';
import { strictJournal } from './support/journal.ts';

const skip = whyNoMountNamespace();
const ID = 'full-1';

function config(dir: string, brokerUrl: string): ConfigInput {
  return {
    device: { id: ID },
    stateDir: join(dir, 'state'),
    camera: { source: 'synthetic', width: 320, height: 240, fps: 10, seed: 7 },
    detector: { model: fixtureModel('v8-names'), providers: ['cpu'], threads: 1 },
    gpio: { backend: 'sim', simFile: join(dir, 'gpio.jsonl'), outputs: [{ name: 'relay', line: 17 }, { name: 'siren', line: 27 }] },
    // The fixture model sees a person in every frame: each rule fires, is cut off by maxOnMs, and fires again,
    // so events and alarms keep coming while the disk is full.
    rules: [
      { name: 'door', classes: ['person'], framesToFire: 1, holdMs: 400, maxOnMs: 700, output: 'relay' },
      { name: 'intruder', classes: ['person'], framesToFire: 1, holdMs: 400, maxOnMs: 1500, priority: 'alarm', output: 'siren' },
    ],
    mqtt: { url: brokerUrl, reconnectMinMs: 50, reconnectMaxMs: 400 },
    update: { enabled: false },
    telemetry: {
      statsIntervalS: 1,
      // The byte bound is far above what the disk holds: the disk fills first.
      outbox: { maxBytes: 1024 * 1024, flushMs: 20 },
      samples: { auditRate: 1, minIntervalS: 0, bytesPerHour: 1_000_000_000, maxLongSide: 320, jpegQuality: 95 },
    },
    log: { level: 'warn', format: 'json' },
  };
}

test('a full disk under the outbox: the agent keeps deciding, drops samples then stats first, logs it once, and delivers what it kept when the broker returns', { timeout: 90_000, skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fault-full-'));
  // The observer's session outlives the broker's restart (persistence), so it misses nothing the agent sends
  // the moment it reconnects.
  const broker = await Mosquitto.start({ persistence: true });
  const observer = await Observer.connect(broker.url, [`lookout/v1/dev/${ID}/#`], { clientId: 'fault-observer', clean: false });
  await broker.stop();
  const outboxDir = join(dir, 'state', 'outbox');
  const agent = AgentProcess.start(config(dir, broker.url), dir, { tmpfs: { dir: outboxDir, size: '256k' } });
  try {
    await agent.firstFrame(30_000);
    await waitFor(() => statfsSync(agent.seen(outboxDir)).bavail === 0, 30_000, 'the outbox disk full');
    const fullAt = agent.events.length;
    // Keep running on a full disk for a while: rules go on firing and clearing.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const whileFull = agent.events.slice(fullAt).filter((e) => e.ev === 'rule');
    assert.ok(whileFull.filter((e) => e.rule === 'door' && e.kind === 'fired').length >= 3, 'the rules kept deciding on a full disk');
    assert.ok(agent.running);
    // Outputs stayed right: every actuation the agent made is in the GPIO journal, in order, after the claim.
    const actuations = agent.events.filter((e) => e.ev === 'actuation').map((e) => `${e.output} ${e.on ? 'on' : 'off'}`);
    assert.deepEqual(strictJournal(join(dir, 'gpio.jsonl')).slice(2).map((x) => `${x.output} ${x.on ? 'on' : 'off'}`).slice(0, actuations.length), actuations);

    // The condition is logged once per WARN_EVERY_MS (10 s), not per frame or per failed flush (one a second).
    const failures = agent.logs(/outbox: flush failed/);
    const spanMs = Number(failures.at(-1)?.time) - Number(failures[0]?.time);
    assert.ok(failures.length >= 1 && failures.length <= 1 + Math.floor(spanMs / 10_000), `${failures.length} flush-failure lines in ${spanMs} ms`);
    assert.match(String(failures[0]?.err), /ENOSPC/);
    // After three failed flushes in a row, what waits for the disk is sent from memory: said once.
    assert.equal(agent.logs(/sending records from memory/).length, 1);
    // Drops go by priority: samples only, while stats, events and alarms are kept.
    const drops = agent.logs(/outbox full: dropping/).at(-1)?.dropped as Record<string, number> | undefined;
    assert.ok(drops !== undefined && (drops.sample ?? 0) > 0, `samples dropped: ${JSON.stringify(drops)}`);
    assert.deepEqual({ alarm: drops.alarm, event: drops.event }, { alarm: 0, event: 0 });

    // The broker returns: what was kept is delivered, every alarm and event the rules produced among it.
    await broker.start();
    const fired = (): { rule: string; kind: string }[] => agent.events.flatMap((e) => (e.ev === 'rule' ? [{ rule: e.rule, kind: e.kind }] : []));
    const delivered = (): EventPayload[] => observer.json(deviceTopic(ID, 'events')) as EventPayload[];
    const expected = fired().length;
    const expectedAlarms = fired().filter((e) => e.rule === 'intruder').length;
    try {
      await waitFor(() => delivered().length >= expected, 15_000, `${expected} events delivered`);
    } finally {
      const stats = observer.json(deviceTopic(ID, 'stats')) as StatsPayload[];
      t.diagnostic(`rule events ${expected}, events delivered ${delivered().length}, stats delivered ${stats.length}, samples delivered ${observer.on(deviceTopic(ID, 'samples')).length}`);
    }
    const alarms = delivered().filter((e) => e.priority === 'alarm');
    assert.ok(alarms.length >= expectedAlarms, `${alarms.length} of ${expectedAlarms} alarms delivered`);
  } finally {
    await agent.kill('SIGKILL');
    await observer.close();
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
