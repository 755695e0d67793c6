import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RPI4_SYSFS_CHIPS } from './helpers/fake-sysfs.ts';
import { withSysfs } from './helpers/sysfs-subject.ts';

test('on a Pi 4 with a 6.6+ kernel GPIO17 is sysfs number 529 (base 512 + 17), not 17', async () => {
  await withSysfs(RPI4_SYSFS_CHIPS, [{ name: 'relay', chip: 'pinctrl-bcm2711', line: 'GPIO17' }], {}, async (actuator, sysfs) => {
    await actuator.start();
    assert.deepEqual(sysfs.log, ['export 529']);
    await actuator.set('relay', true);
    assert.equal(sysfs.line(529).level, 1);
    await actuator.stop();
    assert.deepEqual(sysfs.log, ['export 529', 'unexport 529']);
    assert.equal(sysfs.line(529).exported, false);
  });
});

test('an older kernel with the header chip at base 0 exports 17; the firmware expander keeps its own base', async () => {
  const chips = [
    { base: 0, label: 'pinctrl-bcm2711', ngpio: 58 },
    { base: 504, label: 'raspberrypi-exp-gpio', ngpio: 8 },
  ];
  const outputs = [
    { name: 'relay', chip: 'auto', line: 17 },
    { name: 'led', chip: 'raspberrypi-exp-gpio', line: 2 },
  ];
  await withSysfs(chips, outputs, {}, async (actuator, sysfs) => {
    await actuator.start();
    assert.deepEqual(sysfs.log, ['export 17', 'export 506']);
  });
});

test('direction is written as high/low with the initial level, then active_low, then value', async () => {
  const outputs = [
    { name: 'relay', chip: 'pinctrl-bcm2711', line: 17, activeLow: true },
    { name: 'lamp', chip: 'pinctrl-bcm2711', line: 27 },
  ];
  await withSysfs(RPI4_SYSFS_CHIPS, outputs, {}, async (actuator, sysfs) => {
    await actuator.start();
    const file = (global: number, name: string): string => readFileSync(join(sysfs.gpioDir, `gpio${global}`, name), 'utf8').trim();
    // Off on an active-low relay is a high line: "high" makes it an output already at that level, no glitch.
    assert.equal(file(529, 'direction'), 'high');
    assert.equal(file(529, 'active_low'), '1');
    assert.equal(file(529, 'value'), '0', 'value is logical once active_low is set');
    assert.equal(file(539, 'direction'), 'low');
    assert.equal(file(539, 'active_low'), '0');
    assert.equal(sysfs.line(529).level, 1);
    assert.equal(sysfs.line(539).level, 0);
  });
});
