import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';

const board = new URL('../../board/', import.meta.url).pathname;

/** What each board needs that a generic config would get wrong. */
const EXPECTED: Record<string, { source: string; chip: string; providers: string[] }> = {
  'raspberry-pi-4.yaml': { source: 'libcamera', chip: 'pinctrl-bcm2711', providers: ['cpu'] },
  'raspberry-pi-5.yaml': { source: 'libcamera', chip: 'pinctrl-rp1', providers: ['cpu'] },
  'jetson-orin-nano.yaml': { source: 'gstreamer', chip: 'tegra234-gpio', providers: ['tensorrt', 'cuda', 'cpu'] },
};

test('every board profile and the packaged default config load with the agent\'s own config loader', async () => {
  const profiles = readdirSync(join(board, 'profiles')).filter((n) => n.endsWith('.yaml')).sort();
  assert.deepEqual(profiles, Object.keys(EXPECTED).sort(), 'one profile per supported board');
  for (const name of profiles) {
    const config = await loadConfig(join(board, 'profiles', name), {});
    const want = EXPECTED[name]!;
    assert.equal(config.camera.source, want.source, name);
    assert.equal(config.gpio.backend, 'gpiod', name);
    assert.deepEqual(config.gpio.outputs.map((o) => o.chip), [want.chip], name);
    assert.deepEqual(config.detector.providers, want.providers, name);
    assert.ok(config.detector.threads > 0, `${name}: threads chosen for the board`);
    assert.equal(config.detector.model, '/opt/lookout/models/lookout-int8.onnx', name);
    assert.equal(config.stateDir, '/var/lib/lookout', name);
    assert.ok(config.gpio.outputs.every((o) => o.activeLow && o.safe === 'off'), `${name}: relay boards are active-low, safe off`);
  }
  const packaged = await loadConfig(join(board, 'config.yaml'), {});
  assert.equal(packaged.camera.source, 'libcamera');
  assert.equal(packaged.gpio.backend, 'gpiod');
  assert.equal(packaged.mqtt, undefined, 'the cloud link stays commented out');
  assert.equal(packaged.rules.length, 1);
});
