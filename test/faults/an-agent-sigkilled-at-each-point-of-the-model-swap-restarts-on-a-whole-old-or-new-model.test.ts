import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { closeHarness, harness, journalPath, manifestFor, publishManifest, readModel, sha256, signedJson, updateConfig, updates, waitFor } from '../update/helpers.ts';
import type { UpdatePayload } from '../../src/protocol/index.ts';
import { AgentProcess } from './support/agent-process.ts';
import { assertSafeFirst, strictJournal } from './support/journal.ts';

test('an agent SIGKILLed while downloading, after verifying, after the swap, while committing and after committing restarts each time on a whole old or new model, outputs safe first', { timeout: 90_000 }, async (t) => {
  const h = await harness();
  const stateDir = join(h.dir, 'state');
  const modelsDir = join(stateDir, 'models');
  const config = updateConfig(h.broker, { stateDir, key: h.key });
  const oldSha = sha256(readFileSync(fixtureModel('v8-names')));
  const bytes = readModel('v8-dynamic');
  const newSha = sha256(bytes);
  const processes: AgentProcess[] = [];
  let watcher: FSWatcher | undefined;
  const start = (): AgentProcess => {
    const p = AgentProcess.start(config, h.dir, { name: `agent-${processes.length}` });
    processes.push(p);
    return p;
  };
  /** Update messages since `from` (the start of the current process). */
  const stateSeen = (from: number, state: UpdatePayload['state']): boolean => updates(h.observer).slice(from).some((u) => u.state === state);

  /** After a kill: what is on disk is whole; then a restart runs exactly one of the two models, outputs safe first. */
  const restartAfterKill = async (point: string): Promise<{ agent: AgentProcess; from: number; sha: string }> => {
    // Every model file under its final name is whole (a download becomes one only by rename after its sha256 check).
    for (const f of readdirSync(modelsDir).filter((n) => n.endsWith('.onnx'))) {
      assert.equal(sha256(readFileSync(join(modelsDir, f))), newSha, `${point}: ${f} is the whole new model`);
    }
    if (existsSync(join(modelsDir, 'active.json'))) {
      const active = JSON.parse(readFileSync(join(modelsDir, 'active.json'), 'utf8')) as { current: { sha256: string } };
      assert.equal(active.current.sha256, newSha, `${point}: active.json parses and names the new model`);
    }
    const before = strictJournal(journalPath(stateDir));
    const from = updates(h.observer).length;
    const agent = start();
    const frame = await agent.firstFrame(30_000);
    assert.ok(frame.model !== null && frame.path !== null);
    const sha = sha256(readFileSync(frame.path));
    assert.equal(sha, frame.model.sha256, `${point}: the file running hashes to what the agent says it runs`);
    assert.ok(sha === oldSha || sha === newSha, `${point}: the model running is exactly the old or the new one`);
    const restarted = strictJournal(journalPath(stateDir)).slice(before.length);
    assertSafeFirst(restarted, [{ name: 'relay', safeOn: false, safeLevel: 0 }], point);
    assert.ok(frame.journal >= before.length + 1, `${point}: the relay was driven safe before the first frame`);
    t.diagnostic(`${point}: restarted on the ${sha === newSha ? 'new' : 'old'} model`);
    return { agent, from, sha };
  };
  const kill = async (agent: AgentProcess): Promise<void> => {
    assert.equal((await agent.kill('SIGKILL')).signal, 'SIGKILL');
  };

  try {
    // 1. Mid-download: the server sends 600 of the 1186 bytes and then nothing; the partial file is on disk.
    h.server.setFaults({ stallAfterBytes: 600 });
    const url = h.server.serve('m.onnx', bytes);
    let agent = start();
    await agent.firstFrame(30_000);
    await publishManifest(h.observer, signedJson(manifestFor(bytes, url, { version: 9 }), h.key));
    const part = join(modelsDir, 'staging', 'lookout-test-9.onnx.part');
    await waitFor(() => existsSync(part) && readFileSync(part).byteLength === 600, 20_000, 'the partial download on disk');
    await kill(agent);
    h.server.setFaults({});
    let r = await restartAfterKill('killed while downloading');
    assert.equal(r.sha, oldSha);

    // 2. Right after the new model is verified (downloaded, sha256 checked, loaded), before the warm-up.
    agent = r.agent;
    await waitFor(() => stateSeen(r.from, 'verified'), 30_000, 'verified');
    await kill(agent);
    r = await restartAfterKill('killed right after verifying');
    assert.equal(r.sha, oldSha);

    // 3. Straight after the swap (the new model runs frames; nothing is committed yet).
    agent = r.agent;
    await waitFor(() => stateSeen(r.from, 'swapped'), 30_000, 'swapped');
    await kill(agent);
    r = await restartAfterKill('killed straight after the swap');
    assert.equal(r.sha, oldSha);

    // 4. While active.json is being committed: killed as soon as its temporary file appears (inotify).
    agent = r.agent;
    let killedAt: string | undefined;
    const target = agent;
    watcher = watch(modelsDir, (_event, name) => {
      if (name === 'active.json.tmp' && killedAt === undefined) {
        killedAt = existsSync(join(modelsDir, 'active.json')) ? 'after the rename' : 'before the rename';
        target.child.kill('SIGKILL');
      }
    });
    await waitFor(() => killedAt !== undefined || !target.running, 30_000, 'the commit');
    assert.equal((await target.exited()).signal, 'SIGKILL', 'killed during the commit, not before it began');
    watcher.close();
    r = await restartAfterKill(`killed while committing (${killedAt ?? '?'})`);

    // 5. Straight after the commit: from then on a restart runs the new model.
    agent = r.agent;
    if (r.sha === oldSha) {
      await waitFor(() => stateSeen(r.from, 'committed'), 30_000, 'committed');
      await kill(agent);
      r = await restartAfterKill('killed straight after committing');
    }
    assert.equal(r.sha, newSha);
    assert.ok(existsSync(join(modelsDir, 'active.json')), 'the new model is committed');
    assert.equal((await r.agent.kill('SIGTERM')).code, 0);
  } finally {
    watcher?.close();
    for (const p of processes) await p.kill('SIGKILL');
    await closeHarness(h);
  }
});
