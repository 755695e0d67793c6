import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/agent/clock.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { runDoctor, type CheckResult } from '../../src/agent/health/doctor.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';

const standIns = new URL('../fixtures/camera/bin', import.meta.url).pathname;

function fakeThermal(): string {
  const root = mkdtempSync(join(tmpdir(), 'lookout-thermal-'));
  mkdirSync(join(root, 'thermal_zone0'));
  writeFileSync(join(root, 'thermal_zone0', 'type'), 'cpu-thermal\n');
  writeFileSync(join(root, 'thermal_zone0', 'temp'), '48312\n');
  return root;
}

const byName = (results: readonly CheckResult[], name: string): CheckResult | undefined => results.find((r) => r.name === name);

test('on a board with rpicam-vid, a model and outputs, every check passes', async () => {
  const config = parseConfig({
    camera: { source: 'libcamera', width: 320, height: 240, fps: 30, isp: 'vc4' },
    detector: { model: fixtureModel('v8-names'), providers: ['cuda', 'cpu'] },
    gpio: { backend: 'sim', outputs: [{ name: 'relay', line: 17 }] },
  });
  const results = await runDoctor({ config, logger: silentLogger, clock: systemClock, timers: systemTimers, env: { ...process.env, PATH: `${standIns}:/usr/bin:/bin` }, thermalRoot: fakeThermal() });
  assert.equal(byName(results, 'camera tool')?.status, 'ok');
  assert.match(byName(results, 'camera frame')?.detail ?? '', /320×240 frame read/);
  assert.equal(byName(results, 'gpio outputs')?.status, 'ok');
  assert.equal(byName(results, 'provider cuda')?.status, 'warn', 'cuda is not available here and says why');
  assert.equal(byName(results, 'provider cpu')?.status, 'ok');
  assert.deepEqual(byName(results, 'temperature'), { name: 'temperature', status: 'ok', detail: '48.3 °C (cpu-thermal)' });
  assert.equal(results.filter((r) => r.status === 'fail').length, 0);
});

test('a missing camera tool and a missing model fail, by name', async () => {
  const config = parseConfig({ camera: { source: 'libcamera' }, detector: { model: '/nonexistent/model.onnx' } });
  const results = await runDoctor({ config, logger: silentLogger, clock: systemClock, timers: systemTimers, env: { PATH: '/nonexistent' }, thermalRoot: '/nonexistent' });
  assert.equal(byName(results, 'camera tool')?.status, 'fail');
  assert.match(byName(results, 'camera tool')?.detail ?? '', /rpicam-vid, libcamera-vid/);
  assert.equal(byName(results, 'camera frame'), undefined, 'no frame check without a tool');
  assert.equal(byName(results, 'provider cpu')?.status, 'fail');
  assert.match(byName(results, 'provider cpu')?.detail ?? '', /MODEL_NOT_FOUND/);
  assert.equal(byName(results, 'temperature')?.status, 'warn');
});
