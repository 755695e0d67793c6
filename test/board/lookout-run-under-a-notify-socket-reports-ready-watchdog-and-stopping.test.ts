import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../src/config/schema.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { startNotifyListener } from './support/notify-listener.ts';

const root = new URL('../../', import.meta.url).pathname;

test('`lookout run` under NOTIFY_SOCKET sends READY=1 after start, WATCHDOG=1 while frames flow and STOPPING=1 last', async (t) => {
  const listener = await startNotifyListener();
  t.after(() => {
    listener.close();
  });
  const dir = mkdtempSync(join(tmpdir(), 'lookout-notify-run-'));
  const config: ConfigInput = {
    camera: { source: 'synthetic', width: 320, height: 240, fps: 20, seed: 1 },
    detector: { model: fixtureModel('v8-names'), providers: ['cpu'], threads: 1 },
    gpio: { backend: 'sim', simFile: join(dir, 'gpio.jsonl'), outputs: [{ name: 'relay', line: 17 }] },
    rules: [{ name: 'person', classes: ['person'], framesToFire: 2, holdMs: 60_000, output: 'relay' }],
    stateDir: dir,
    log: { level: 'warn', format: 'json' },
  };
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));

  // WatchdogSec=1 as systemd would pass it: pings every 500 ms.
  // No WATCHDOG_PID: an inherited one would name another process and switch the pings off.
  const env = Object.fromEntries(Object.entries({ ...process.env, NOTIFY_SOCKET: listener.socket, WATCHDOG_USEC: '1000000' }).filter(([k]) => k !== 'WATCHDOG_PID'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', '--config', configPath, '--duration', '4'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);

  const vars = listener.messages.map((m) => m.vars);
  assert.ok(vars[0]?.includes('READY=1'), `first message is READY=1: ${JSON.stringify(vars)}`);
  assert.ok(vars.at(-1)?.includes('STOPPING=1'), `last message is STOPPING=1: ${JSON.stringify(vars)}`);
  const pings = listener.with('WATCHDOG=1').length;
  assert.ok(pings >= 2, `watchdog pings while the synthetic camera runs: ${pings}`);
  // The relay really was driven by the frames that fed the watchdog.
  const journal = readFileSync(join(dir, 'gpio.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { on: boolean });
  assert.ok(journal.some((tr) => tr.on), 'the rule fired on the fixture model\'s person');
});
