import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RestartedEvent } from '../../src/agent/camera/frame-source.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { fastSettings, processGone, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('restart() ends the running process, starts a new one at once, and seq keeps counting', async () => {
  const dir = await tempDir('restart');
  const log = `${dir}/runs.jsonl`;
  const source = await createLibcameraSource({ width: 64, height: 4, fps: 30, isp: 'vc4', settings: fastSettings }, testDeps(standInEnv({ STANDIN_LOG: log })));
  const restarts: RestartedEvent[] = [];
  source.on('restarted', (e) => restarts.push(e));
  const got = await startCollecting(source);
  await waitFor('frames', () => got.frames.length >= 3);
  await source.restart('exposure settings changed');
  const before = got.frames.length;
  await waitFor('frames from the new process', () => got.frames.length >= before + 3);
  await source.stop();

  assert.deepEqual(restarts, [{ reason: 'exposure settings changed', failures: 0, backoffMs: 0 }]);
  assert.equal(source.stats.restarts, 1);
  assert.equal(source.stats.shortReads, 0, 'a frame cut off on purpose is not a short read');
  got.frames.forEach((f, i) => {
    assert.equal(f.seq, i);
  });
  assert.equal(got.copies[before]![0], 0, 'the new process starts its pattern over');
  const runs = await readRuns(log);
  assert.equal(runs.length, 2);
  assert.ok(await processGone(runs[0]!.pid));
});
