import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { RPI5_SYSFS_CHIPS } from './helpers/fake-sysfs.ts';
import { withSysfs } from './helpers/sysfs-subject.ts';

const outputs = [
  { name: 'relay', chip: 'pinctrl-rp1', line: 'GPIO17' },
  { name: 'siren', chip: 'pinctrl-rp1', line: 'GPIO27' },
];

test('files that appear 150 ms after export are waited for, line by line', async () => {
  await withSysfs(RPI5_SYSFS_CHIPS, outputs, { exportDelayMs: 150 }, async (actuator, sysfs) => {
    const started = performance.now();
    await actuator.start();
    const took = performance.now() - started;
    assert.ok(took >= 300, `waited for both lines (${Math.round(took)} ms)`);
    assert.equal(sysfs.line(588).level, 0);
    assert.equal(sysfs.line(598).level, 0);
    await actuator.set('siren', true);
    assert.equal(sysfs.line(598).level, 1);
  });
});

test('files that never appear are EXPORT_TIMEOUT, and what was exported is unexported again', async () => {
  await withSysfs(RPI5_SYSFS_CHIPS, outputs, { exportDelayMs: 60_000, exportTimeoutMs: 100 }, async (actuator, sysfs) => {
    await assert.rejects(actuator.start(), { code: 'EXPORT_TIMEOUT', where: /gpio588\/direction$/ });
    assert.deepEqual(sysfs.log, ['export 588', 'unexport 588']);
    await assert.rejects(actuator.set('relay', true), { code: 'NOT_RUNNING' });
  });
});
