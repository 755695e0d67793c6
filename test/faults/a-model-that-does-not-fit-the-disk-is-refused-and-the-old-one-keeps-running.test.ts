import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UpdatePayload } from '../../src/protocol/index.ts';
import {
  closeHarness, harness, journalPath, lastStatus, manifestFor, publishManifest, readModel, sha256, signedJson, updateConfig, updates, waitFor,
} from '../update/helpers.ts';
import { AgentProcess, whyNoMountNamespace } from './support/agent-process.ts';
import { strictJournal } from './support/journal.ts';

const skip = whyNoMountNamespace();

/** Fills the file system under `path` to the last byte (the write stops at ENOSPC). */
function fill(path: string): void {
  try {
    writeFileSync(path, Buffer.alloc(64 * 1024 * 1024));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
}

test('a model larger than the free disk is refused before a byte is fetched; one that meets a full disk midway fails NO_SPACE leaving nothing; a later one that fits installs', { timeout: 90_000, skip }, async () => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const modelsDir = join(stateDir, 'models');
  // The models folder is a 512 KiB tmpfs of the agent's own: its disk, and only its disk, fills up.
  const agent = AgentProcess.start(updateConfig(h.broker, { stateDir, key: h.key }), h.dir, { tmpfs: { dir: modelsDir, size: '512k' } });
  const last = (): UpdatePayload | undefined => updates(h.observer).at(-1);
  const relayOffs = (): number => strictJournal(journalPath(stateDir)).filter((t) => !t.on).length;
  try {
    await agent.firstFrame(30_000);
    await waitFor(() => lastStatus(h.observer)?.model?.version === 7, 10_000, 'the status naming the old model');
    const offsBefore = relayOffs();

    // 1. 2 MiB asked of a 512 KiB disk: refused by the statfs check, nothing requested.
    const big = readModel('slow');
    const bigUrl = h.server.serve('big.onnx', big);
    await publishManifest(h.observer, signedJson(manifestFor(big, bigUrl, { version: 9, size: 2 * 1024 * 1024 }), h.key));
    await waitFor(() => last()?.state === 'rejected', 20_000, 'the refusal');
    assert.equal(last()?.code, 'NO_SPACE', JSON.stringify(last()));
    assert.match(last()?.detail ?? '', /needs \d+ more bytes; \d+ are free/);
    assert.equal(h.server.requests.length, 0, 'refused before downloading');

    // 2. 263 KiB fits when the check runs; the connection breaks after 64 KiB, and before the resume the rest
    //    of the disk is taken (as a growing log would).
    h.server.setFaults({ drop: { afterBytes: 64 * 1024, times: 1 } });
    await publishManifest(h.observer, signedJson(manifestFor(big, bigUrl, { version: 10 }), h.key));
    await waitFor(() => h.server.requests.length >= 1, 20_000, 'the download starting');
    fill(agent.seen(join(modelsDir, 'filler')));
    await waitFor(() => last()?.state === 'failed', 20_000, 'the download failing');
    assert.equal(last()?.code, 'NO_SPACE', JSON.stringify(last()));
    assert.equal(last()?.version, 10);
    assert.deepEqual(readdirSync(agent.seen(join(modelsDir, 'staging'))), [], 'no partial file left behind');
    assert.deepEqual(readdirSync(agent.seen(modelsDir)).filter((f) => f.endsWith('.onnx')), [], 'no model file either');
    assert.equal(existsSync(agent.seen(join(modelsDir, 'active.json'))), false);

    // The old model ran throughout: still reported, still driving the relay, never a blip.
    assert.ok(agent.running);
    assert.equal(lastStatus(h.observer)?.model?.version, 7);
    assert.equal(relayOffs(), offsBefore, 'no output blip');

    // 3. Space again, and a manifest that fits: installed and committed.
    writeFileSync(agent.seen(join(modelsDir, 'filler')), '');
    h.server.setFaults({});
    const small = readModel('v8-dynamic');
    await publishManifest(h.observer, signedJson(manifestFor(small, h.server.serve('small.onnx', small), { version: 11 }), h.key));
    await waitFor(() => last()?.version === 11 && ['committed', 'failed', 'rolled-back', 'rejected'].includes(last()?.state ?? ''), 30_000, 'the update to v11 ending');
    assert.equal(last()?.state, 'committed', JSON.stringify(last()));
    await waitFor(() => lastStatus(h.observer)?.model?.version === 11, 10_000, 'the status naming the new model');
    assert.equal(lastStatus(h.observer)?.model?.sha256, sha256(small));
    assert.equal(relayOffs(), offsBefore, 'no output blip across the swap either');
  } finally {
    await agent.kill('SIGKILL');
    await closeHarness(h);
  }
});
