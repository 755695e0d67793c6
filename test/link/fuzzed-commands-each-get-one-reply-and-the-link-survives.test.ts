import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryLink } from '../../src/agent/telemetry/link/telemetry-link.ts';
import type { CommandHandlers } from '../../src/agent/telemetry/link/command-dispatcher.ts';
import { LookoutError } from '../../src/errors.ts';
import { replySchema, type Reply } from '../../src/protocol/index.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { TrackedOutbox } from './tracked-outbox.ts';
import { Observer, linkConfig, recordingLogger, teardown, testStatus, topicOf, waitFor, type Received } from './helpers.ts';
import { prng as seeded } from '../support/prng.ts';

/** A seeded generator (test/support/prng.ts): a failure replays from its seed. */
const prng = (seed: number): (() => number) => seeded(seed).next;

type Expect =
  | { ok: true; id: string }
  | { ok: false; codes: readonly string[]; id?: string | null };

interface Case {
  readonly payload: Buffer;
  readonly expect: Expect;
}

const N = 10_000;

function makeCases(random: () => number): Case[] {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (length: number): string => Array.from({ length }, () => String.fromCharCode(32 + int(95))).join('');
  const json = (depth: number): unknown => {
    switch (int(depth > 2 ? 4 : 6)) {
      case 0:
        return random() * 1e6 - 5e5;
      case 1:
        return text(int(20));
      case 2:
        return pick([true, false, null]);
      case 3:
        return int(1000);
      case 4:
        return Array.from({ length: int(5) }, () => json(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['id', 'cmd', 'rule', 'x', text(5)]), json(depth + 1)]));
    }
  };
  const validCommands = (id: string): { body: Record<string, unknown>; expect: Expect }[] => [
    { body: { id, cmd: 'ping' }, expect: { ok: true, id } },
    { body: { id, cmd: 'get-config' }, expect: { ok: true, id } },
    { body: { id, cmd: 'set-rule-enabled', rule: 'gate', enabled: random() < 0.5 }, expect: { ok: true, id } },
    { body: { id, cmd: 'set-rule-enabled', rule: 'no-such-rule', enabled: true }, expect: { ok: false, codes: ['UNKNOWN_RULE'], id } },
    { body: { id, cmd: 'capture-sample' }, expect: { ok: true, id } },
    { body: { id, cmd: 'restart-camera' }, expect: { ok: false, codes: ['FAILED'], id } },
    { body: { id, cmd: 'set-domain', domain: { lighting: 'night' } }, expect: { ok: false, codes: ['UNSUPPORTED'], id } },
  ];
  // Each mutation makes a valid command invalid; `keepsId` says whether the reply can still name the request.
  const mutations: { apply: (c: Record<string, unknown>) => void; keepsId: boolean }[] = [
    { apply: (c) => (c.cmd = `x-${text(4)}`), keepsId: true },
    { apply: (c) => delete c.cmd, keepsId: true },
    { apply: (c) => (c.cmd = int(10)), keepsId: true },
    { apply: (c) => (c.id = int(1e6)), keepsId: false },
    { apply: (c) => (c.id = ''), keepsId: false },
    { apply: (c) => (c.id = 'i'.repeat(65)), keepsId: false },
    { apply: (c) => delete c.id, keepsId: false },
    { apply: (c) => Object.assign(c, { cmd: 'set-rule-enabled', rule: 'gate', enabled: 'true' }), keepsId: true },
    { apply: (c) => Object.assign(c, { cmd: 'set-rule-enabled', rule: 'r'.repeat(65), enabled: true }), keepsId: true },
    {
      apply: (c) => {
        Object.assign(c, { cmd: 'set-rule-enabled', enabled: false });
        delete c.rule;
      },
      keepsId: true,
    },
    { apply: (c) => Object.assign(c, { cmd: 'set-domain', domain: ['night'] }), keepsId: true },
    { apply: (c) => Object.assign(c, { cmd: 'set-domain', domain: { lighting: 7 } }), keepsId: true },
    { apply: (c) => Object.assign(c, { cmd: 'set-domain', domain: { ['k'.repeat(33)]: 'v' } }), keepsId: true },
  ];

  const cases: Case[] = [];
  for (let i = 0; i < N; i++) {
    const roll = random();
    const id = `fz-${i}`;
    if (roll < 0.25) {
      const bytes = Buffer.from(Array.from({ length: int(300) }, () => int(256)));
      cases.push({ payload: bytes, expect: { ok: false, codes: ['BAD_JSON', 'BAD_COMMAND'] } });
    } else if (roll < 0.45) {
      cases.push({ payload: Buffer.from(JSON.stringify(json(0))), expect: { ok: false, codes: ['BAD_COMMAND'] } });
    } else if (roll < 0.75) {
      const base = { ...pick(validCommands(id)).body };
      const mutation = pick(mutations);
      mutation.apply(base);
      cases.push({ payload: Buffer.from(JSON.stringify(base)), expect: { ok: false, codes: ['BAD_COMMAND'], ...(mutation.keepsId && { id }) } });
    } else if (roll < 0.77) {
      // Over the 64 KiB cap (refused unread), or under it with a field far over the schema's limit.
      const body = random() < 0.5 ? { id, cmd: 'ping', pad: 'p'.repeat(70_000) } : { id: 'i'.repeat(60_000), cmd: 'ping' };
      cases.push({ payload: Buffer.from(JSON.stringify(body)), expect: { ok: false, codes: ['BAD_COMMAND'], id: null } });
    } else if (roll < 0.8) {
      cases.push({ payload: Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('","cmd":"ping"}')]), expect: { ok: false, codes: ['BAD_JSON'], id: null } });
    } else {
      const valid = pick(validCommands(id));
      cases.push({ payload: Buffer.from(JSON.stringify(valid.body)), expect: valid.expect });
    }
  }
  return cases;
}

test('10,000 fuzzed command payloads each get exactly one fitting reply, and the link keeps answering', { timeout: 30_000 }, async (t) => {
  const cleanup = teardown(t);
  const broker = await Mosquitto.start();
  cleanup(() => broker.dispose());
  const id = 'dev-fuzz';
  const requester = await Observer.connect(broker.url, [topicOf(id, 'reply'), topicOf(id, 'status')], { protocolVersion: 5 });
  const replies = (): Received[] => requester.on(topicOf(id, 'reply'));
  cleanup(() => requester.close());

  const enabled = new Map<string, boolean>();
  const handlers: CommandHandlers = {
    'get-config': () => ({ rules: ['gate'] }),
    'set-rule-enabled': ({ rule, enabled: on }) => {
      if (rule !== 'gate') throw new LookoutError('config', 'UNKNOWN_RULE', `no rule "${rule}"`, { where: 'rule' });
      enabled.set(rule, on);
      return { rule, enabled: on };
    },
    'capture-sample': () => ({ sampleId: 's-1' }),
    'restart-camera': () => {
      throw new Error('camera is busy');
    },
  };
  const log = recordingLogger();
  const link = new TelemetryLink({ config: linkConfig(broker.url), deviceId: id, outbox: await TrackedOutbox.openFor(cleanup), status: testStatus, commands: handlers, logger: log });
  cleanup(() => link.stop());
  await link.start();
  await waitFor(() => link.connected, 5000, 'the link to connect');
  // The link subscribes before it publishes its status, and the broker handles both in order: once the
  // status is here, commands will be delivered.
  await waitFor(() => requester.on(topicOf(id, 'status')).length > 0, 3000, 'the status');

  const cases = makeCases(prng(20_261_126));
  cases.forEach((c, i) => {
    const correlationData = Buffer.alloc(4);
    correlationData.writeUInt32BE(i);
    requester.client.publish(topicOf(id, 'cmd'), c.payload, { qos: 1, properties: { correlationData } });
  });
  await waitFor(() => replies().length >= N, 25_000, `${N} replies`);

  const seen = new Set<number>();
  for (const message of replies()) {
    const index = message.packet.properties?.correlationData?.readUInt32BE(0);
    assert.ok(index !== undefined && index < N, 'every reply carries its request\'s correlation data');
    assert.ok(!seen.has(index), `one reply per request (request ${index})`);
    seen.add(index);
    const reply: Reply = replySchema.parse(JSON.parse(message.payload.toString('utf8')));
    const expect = cases[index]!.expect;
    const where = `request ${index}: ${cases[index]!.payload.subarray(0, 80).toString('utf8')}`;
    assert.equal(reply.ok, expect.ok, where);
    if (expect.ok) {
      assert.equal(reply.id, expect.id, where);
    } else if (!reply.ok) {
      assert.ok(expect.codes.includes(reply.error.code), `${where}: got ${reply.error.code}`);
      if (expect.id !== undefined) assert.equal(reply.id, expect.id, where);
    }
  }
  assert.equal(seen.size, N);
  assert.equal(link.connected, true);

  await requester.client.publishAsync(topicOf(id, 'cmd'), JSON.stringify({ id: 'after', cmd: 'ping' }), { qos: 1 });
  await waitFor(() => replies().length === N + 1, 3000, 'the ping after the storm');
  const last = replySchema.parse(JSON.parse(replies().at(-1)!.payload.toString('utf8')));
  assert.equal(last.id, 'after');
  assert.equal(last.ok, true);
  assert.equal(link.metrics().commands, N + 1);
  // Thousands of refused commands cost a handful of log lines, not one each.
  const warnings = log.lines.filter((l) => l.level === 'warn').length;
  assert.ok(warnings > 0 && warnings <= 10, `${warnings} warnings`);
});
