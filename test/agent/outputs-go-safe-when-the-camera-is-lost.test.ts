import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exitOf, finalStates, startAgentChild, tempDir, testConfig, waitForLine } from './helpers.ts';

const standIns = new URL('../fixtures/camera/bin', import.meta.url).pathname;

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a camera that dies for good (restarts exhausted) drives the outputs safe; the agent keeps running', async () => {
  const dir = tempDir();
  // A stand-in rpicam-vid: 40 frames on its first run, then every restart crashes at once.
  const env = { ...process.env, PATH: `${standIns}:${process.env.PATH ?? ''}`, STANDIN_PLAN: '40:crash,0:crash', STANDIN_FPS: '30', STANDIN_LOG: join(dir, 'tool.log') };
  const config = testConfig(dir, { camera: { source: 'libcamera', width: 320, height: 240, fps: 30, isp: 'vc4', stallMs: 500, maxRestarts: 2 } });
  const child = startAgentChild(config, dir, 'run', env);
  await waitForLine(child, 'fired');
  assert.equal(finalStates(dir).siren, true);
  await until('the siren back at its safe level', () => finalStates(dir).siren === false, 15_000);
  assert.equal(child.exitCode, null, 'the agent is still running');
  child.kill('SIGTERM');
  assert.equal((await exitOf(child)).code, 0);
  assert.deepEqual(finalStates(dir), { siren: false, lock: true });
});
