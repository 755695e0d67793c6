import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MANIFEST_CHARS, type UpdatePayload } from '../../src/protocol/index.ts';
import {
  assertOldModelRuns, closeHarness, harness, journal, manifestFor, modelFiles, publishManifest, readModel, relayOn, updateAgent, updates, waitFor,
} from '../update/helpers.ts';
import { fileTree } from './support/file-tree.ts';
import { nestedArrays, signText } from './support/raw-manifest.ts';

interface Case {
  readonly what: string;
  /** The payload as published on the group's model topic. */
  readonly payload: string;
  readonly code: UpdatePayload['code'];
  /** What the refusal's detail must name. */
  readonly detail: RegExp;
}

test('hostile manifest fields behind a good signature are each refused by name; no byte is fetched or written and the old model runs on', { timeout: 60_000 }, async (t) => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const agent = updateAgent(h.broker, { stateDir, key: h.key });
  try {
    await agent.start();
    await relayOn(agent);
    const bytes = readModel('v8-dynamic');
    const url = h.server.serve('m.onnx', bytes);
    const port = new URL(url).port;
    // Each case its own version: a refusal is never confused with the one before it.
    let version = 8;
    const hostile = (fields: Record<string, unknown>): string => {
      version++;
      return signText(JSON.stringify({ ...manifestFor(bytes, url, { version }), ...fields }), h.key);
    };
    const asText = (fields: Record<string, unknown>): string => {
      version++;
      return JSON.stringify({ ...manifestFor(bytes, url, { version }), ...fields });
    };
    const cases: Case[] = [
      { what: 'size 2^53', payload: hostile({ size: 2 ** 53 }), code: 'BAD_MANIFEST', detail: /manifest\.size/ },
      { what: 'negative size', payload: hostile({ size: -1186 }), code: 'BAD_MANIFEST', detail: /manifest\.size/ },
      { what: 'fractional size', payload: hostile({ size: 1186.5 }), code: 'BAD_MANIFEST', detail: /manifest\.size/ },
      { what: 'version 2^53', payload: hostile({ version: 2 ** 53 }), code: 'BAD_MANIFEST', detail: /manifest\.version/ },
      { what: 'relative path as name', payload: hostile({ name: '../../etc/passwd' }), code: 'BAD_MANIFEST', detail: /manifest\.name/ },
      { what: 'absolute path as name', payload: hostile({ name: '/etc/passwd' }), code: 'BAD_MANIFEST', detail: /manifest\.name/ },
      { what: 'a name with a slash inside', payload: hostile({ name: 'models/../../x' }), code: 'BAD_MANIFEST', detail: /manifest\.name/ },
      { what: 'NUL in the name', payload: hostile({ name: 'model\u0000.onnx' }), code: 'BAD_MANIFEST', detail: /manifest\.name/ },
      { what: 'a 4096-character name', payload: hostile({ name: 'a'.repeat(4096) }), code: 'BAD_MANIFEST', detail: /manifest\.name/ },
      { what: 'file: URL', payload: hostile({ url: 'file:///etc/passwd' }), code: 'BAD_URL', detail: /scheme file: refused/ },
      { what: 'data: URL', payload: hostile({ url: `data:application/octet-stream;base64,${bytes.toString('base64')}` }), code: 'BAD_URL', detail: /scheme data: refused/ },
      { what: 'javascript: URL', payload: hostile({ url: 'javascript:fetch("http://127.0.0.1/")' }), code: 'BAD_URL', detail: /scheme javascript: refused/ },
      { what: 'ftp: URL', payload: hostile({ url: `ftp://127.0.0.1:${port}/m.onnx` }), code: 'BAD_URL', detail: /scheme ftp: refused/ },
      { what: 'credentials in the URL', payload: hostile({ url: `http://lookout:s3cret@127.0.0.1:${port}/m.onnx` }), code: 'BAD_URL', detail: /credentials/ },
      { what: 'a user name alone in the URL', payload: hostile({ url: `http://token@127.0.0.1:${port}/m.onnx` }), code: 'BAD_URL', detail: /credentials/ },
      { what: 'a 1 MB manifest', payload: hostile({ dataset: 'x'.repeat(1024 * 1024) }), code: 'BAD_ENVELOPE', detail: /payload is \d+ characters/ },
      { what: 'a manifest text just past its bound', payload: hostile({ dataset: 'x'.repeat(MAX_MANIFEST_CHARS) }), code: 'BAD_ENVELOPE', detail: /manifest: Too big/ },
      // The manifest travels as a JSON string, so its quotes are escaped in the payload.
      { what: '30,000 nested arrays swapped into a signed text', payload: hostile({ metrics: { map50: '@@' } }).replace('\\"@@\\"', nestedArrays(30_000)), code: 'BAD_SIGNATURE', detail: /signature/ },
      { what: '1,000,000 nested arrays as the payload', payload: nestedArrays(1_000_000), code: 'BAD_ENVELOPE', detail: /payload is 2000000 characters/ },
      { what: '60,000 nested arrays as the payload', payload: nestedArrays(60_000), code: 'BAD_ENVELOPE', detail: /expected object, received array/ },
      { what: 'a manifest that is not signed text but an object', payload: JSON.stringify({ v: 1, manifest: JSON.parse(asText({})) as unknown, signature: 'A'.repeat(86) + '==', keyId: h.key.keyId }), code: 'BAD_ENVELOPE', detail: /manifest/ },
    ];
    // Nested arrays inside the signed text itself (the replace above broke that signature on purpose, to show
    // a tampered payload is refused before it is parsed): now signed for real, so the schema must refuse it.
    version++;
    const deepText = JSON.stringify({ ...manifestFor(bytes, url, { version }), metrics: { map50: '@@' } }).replace('"@@"', nestedArrays(30_000));
    cases.push({ what: '30,000 nested arrays in a signed manifest', payload: signText(deepText, h.key), code: 'BAD_MANIFEST', detail: /manifest\.metrics/ });

    const skip = ['state/models', 'state/outbox', 'state/gpio.jsonl'];
    const treeBefore = fileTree(h.dir, skip);
    const passwd = statSync('/etc/passwd');
    const journalBefore = journal(stateDir).length;

    const seen: string[] = [];
    for (const c of cases) {
      const rejectedBefore = updates(h.observer).filter((u) => u.state === 'rejected').length;
      await publishManifest(h.observer, c.payload);
      await waitFor(() => updates(h.observer).filter((u) => u.state === 'rejected').length > rejectedBefore, 10_000, `the refusal of ${c.what}`);
      const refusal = updates(h.observer).filter((u) => u.state === 'rejected').at(-1);
      assert.ok(refusal !== undefined);
      assert.equal(refusal.code, c.code, `${c.what}: ${JSON.stringify(refusal)}`);
      assert.match(refusal.detail ?? '', c.detail, `${c.what}: the detail names the reason`);
      seen.push(`${c.what}: ${refusal.code}`);
    }

    assert.deepEqual(updates(h.observer).filter((u) => u.state !== 'rejected'), [], 'no manifest got past the received step');
    assert.equal(h.server.requests.length, 0, 'no byte was asked for');
    assert.deepEqual(fileTree(h.dir, skip), treeBefore, 'nothing written outside the models folder');
    assert.deepEqual(modelFiles(stateDir), [], 'no model file, partial or whole');
    assert.deepEqual(fileTree(join(stateDir, 'models')), ['staging/'], 'the models folder holds nothing but its empty staging folder');
    assert.equal(statSync('/etc/passwd').mtimeMs, passwd.mtimeMs);
    assert.deepEqual(journal(stateDir).slice(journalBefore), [], 'no output blip: not one GPIO write while the manifests were refused');
    await assertOldModelRuns(h, agent, stateDir);
    t.diagnostic(`refusals seen: ${seen.join('; ')}`);
  } finally {
    await closeHarness(h, agent);
  }
});
