import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Manifest } from '../../src/protocol/index.ts';
import {
  assertOldModelRuns, closeHarness, harness, journal, manifestFor, modelFiles, publishManifest, readModel, relayOn, signedJson, updateAgent, updates,
  waitFor, waitForState, type TestKey,
} from '../update/helpers.ts';
import { fileTree } from './support/file-tree.ts';
import { signText } from './support/raw-manifest.ts';
import { prng } from '../support/prng.ts';

const N = 10_000;

/** A seeded generator (test/support/prng.ts): a failure replays from its seed. */
const rng = (seed: number): (() => number) => prng(seed).next;

const ODD_VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, '', ' ', '../../etc/passwd', '/etc/passwd', 'a\u0000b', 'x'.repeat(5000),
  'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pw@127.0.0.1/x', 'ftp://127.0.0.1/x', '\ud800', '2026-13-45T99:99:99Z',
  [], [1, 2, 3], ['../x'], {}, { a: 1 }, { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } },
];

/**
 * One fuzzed payload for the group's model topic. Kinds: random bytes; random JSON; a signed envelope with a
 * field changed to an odd value and signed again (so the device's checks behind the signature are reached);
 * a valid envelope with its signature, key id or manifest text tampered; a valid envelope cut short. Every
 * signed manifest is version 5 or lower and never a rollback, below the running version 7, so none of them may
 * fetch a byte even if a mutation happens to leave it valid.
 */
function fuzzed(i: number, base: Manifest, key: TestKey): string {
  const r = rng(i + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kind = i % 5;
  if (kind === 0) {
    const n = Math.floor(r() * 600);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256))).toString('latin1');
  }
  if (kind === 1) {
    return JSON.stringify(pick([{ v: 1 }, { v: 1, manifest: pick(ODD_VALUES), signature: pick(ODD_VALUES), keyId: pick(ODD_VALUES) }, pick(ODD_VALUES), { v: pick(ODD_VALUES) }, [base]]));
  }
  const keys = Object.keys(base) as (keyof Manifest)[];
  if (kind === 2) {
    const field = pick(keys);
    let value = pick(ODD_VALUES);
    if (field === 'rollback' && value === true) value = 'yes';
    if (field === 'version' && typeof value === 'number' && Number.isInteger(value) && value > 5) value = -value;
    const dropped = r() < 0.3 ? pick(keys) : undefined;
    const m: Record<string, unknown> = Object.fromEntries(Object.entries({ ...base, [field]: value }).filter(([k]) => k !== dropped));
    if (r() < 0.2) m[`extra${Math.floor(r() * 10)}`] = pick(ODD_VALUES);
    return signText(JSON.stringify(m), key);
  }
  const good = JSON.parse(signedJson(base, key)) as Record<string, string>;
  if (kind === 3) {
    const field = pick(['signature', 'keyId', 'manifest'] as const);
    const s = good[field]!;
    const at = Math.floor(r() * s.length);
    good[field] = s.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + s.slice(at + 1);
    return JSON.stringify(good);
  }
  const text = JSON.stringify(good);
  return text.slice(0, Math.floor(r() * text.length));
}

test('10,000 fuzzed payloads on the model topic: the agent lives on, fetches and writes nothing, no output blips, and a good manifest afterwards still installs', { timeout: 240_000 }, async (t) => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const url = h.server.serve('m/lookout-test-8.onnx', bytes);
    const base = manifestFor(bytes, url, { version: 5 });
    const skip = ['state/models', 'state/outbox', 'state/gpio.jsonl'];
    const treeBefore = fileTree(h.dir, skip);
    const journalBefore = journal(stateDir).length;
    const pipeline = agent.runningPipeline;
    assert.ok(pipeline !== undefined);
    const processedBefore = pipeline.counters.processed;

    const started = Date.now();
    for (let i = 0; i < N; i++) await publishManifest(h.observer, fuzzed(i, base, h.key));
    const publishMs = Date.now() - started;
    // The last fuzzed payload is still retained; the agent must have worked through the queue: a marker that
    // is refused for a reason of its own arrives after every fuzzed one.
    const marker = signedJson(manifestFor(bytes, url, { version: 6, dataset: 'the-marker' }), h.key);
    await publishManifest(h.observer, marker);
    await waitFor(() => updates(h.observer).some((u) => u.version === 6 && u.state === 'rejected'), 60_000, 'the marker manifest refused');

    const all = updates(h.observer);
    const codes = new Map<string, number>();
    for (const u of all) codes.set(`${u.state} ${u.code ?? ''}`, (codes.get(`${u.state} ${u.code ?? ''}`) ?? 0) + 1);
    t.diagnostic(`published ${N} in ${publishMs} ms; update messages by state and code: ${JSON.stringify(Object.fromEntries(codes))}`);
    assert.deepEqual(all.filter((u) => u.state !== 'rejected'), [], 'no fuzzed manifest got past the received step');
    assert.equal(h.server.requests.length, 0, 'no byte was asked for');
    assert.deepEqual(fileTree(h.dir, skip), treeBefore, 'nothing written outside the models folder');
    assert.deepEqual(modelFiles(stateDir), [], 'no model file, partial or whole');
    assert.deepEqual(journal(stateDir).slice(journalBefore), [], 'no output blip');
    assert.ok(pipeline.counters.processed > processedBefore + 10, 'frames kept flowing');
    await assertOldModelRuns(h, agent, stateDir);

    // The update path is not wedged: a good manifest installs.
    await publishManifest(h.observer, signedJson(manifestFor(bytes, url, { version: 8 }), h.key));
    const end = await waitForState(h.observer, ['committed', 'failed', 'rolled-back'], 60_000);
    assert.equal(end.state, 'committed', `ended ${end.state} ${end.code ?? ''}: ${end.detail ?? ''}`);
  } finally {
    await closeHarness(h, agent);
  }
});
