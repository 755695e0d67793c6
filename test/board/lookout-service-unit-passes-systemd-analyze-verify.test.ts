import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const unitPath = new URL('../../board/lookout.service', import.meta.url).pathname;

/** `systemd-analyze verify` on a copy of the unit whose ExecStart names `exec` (it checks the binary exists). */
function verify(unit: string, exec: string): { code: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-unit-'));
  const path = join(dir, 'lookout.service');
  writeFileSync(path, unit.replaceAll('/opt/lookout/bin/lookout', exec));
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

test('lookout.service passes systemd-analyze verify and carries the notify, watchdog, restart and hardening settings', () => {
  const unit = readFileSync(unitPath, 'utf8');
  const ok = verify(unit, '/bin/true');
  assert.equal(ok.code, 0, ok.output);
  assert.doesNotMatch(ok.output, /lookout\.service:\d+:/, `no complaint about a line of the unit:\n${ok.output}`);

  const settings = new Map(unit.split('\n').filter((l) => /^[A-Z]\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const want: Record<string, string> = {
    Type: 'notify', NotifyAccess: 'all', WatchdogSec: '15', Restart: 'always', RestartSec: '2', KillMode: 'control-group',
    TimeoutStopSec: '10', User: 'lookout', SupplementaryGroups: 'gpio video', StateDirectory: 'lookout',
    ExecStart: '/opt/lookout/bin/lookout run --config /etc/lookout/config.yaml', NoNewPrivileges: 'yes', ProtectSystem: 'strict',
    ReadWritePaths: '/var/lib/lookout', ProtectHome: 'yes', PrivateTmp: 'yes',
  };
  for (const [key, value] of Object.entries(want)) assert.equal(settings.get(key), value, key);
  // Device filtering would hide /dev/gpiochip*, /dev/video*, /dev/media* and /dev/dma_heap.
  for (const key of ['PrivateDevices', 'DevicePolicy', 'DeviceAllow', 'ProtectClock']) assert.equal(settings.get(key), undefined, `${key} is not set`);

  // The check can fail: a misspelt directive is reported.
  const bad = verify(unit.replace('Restart=always', 'Restart=allways'), '/bin/true');
  assert.match(bad.output, /lookout\.service:\d+: Failed to parse service restart specifier/);
});
