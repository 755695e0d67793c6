import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SysfsActuator } from '../../src/agent/gpio/sysfs-actuator.ts';
import { outputSchema } from '../../src/agent/gpio/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { countingClock } from './actuator-contract.ts';
import { RPI4_SYSFS_CHIPS } from './helpers/fake-sysfs.ts';
import { withSysfs } from './helpers/sysfs-subject.ts';

test('a kernel without /sys/class/gpio is CHIP_NOT_FOUND, pointing at the gpiod backend', async () => {
  const actuator = new SysfsActuator([outputSchema.parse({ name: 'relay', line: 17 })], {
    clock: countingClock(),
    logger: silentLogger,
    sysfsRoot: '/nonexistent-sysfs',
  });
  await assert.rejects(actuator.start(), { code: 'CHIP_NOT_FOUND', where: '/nonexistent-sysfs/class/gpio', message: /gpiod backend/ });
});

test('sysfs has no line names: only GPIO<n> on a Raspberry Pi header chip, else give the offset', async () => {
  const cases: [string, string | number, string, RegExp][] = [
    ['pinctrl-bcm2711', 'SDA1', 'LINE_NOT_FOUND', /no line names.*"SDA1"/],
    ['raspberrypi-exp-gpio', 'GPIO2', 'LINE_NOT_FOUND', /only on Raspberry Pi header chips/],
    ['pinctrl-bcm2711', 'GPIO58', 'LINE_NOT_FOUND', /"GPIO58".*58 lines/],
    ['/dev/gpiochip0', 17, 'CHIP_NOT_FOUND', /by label, not by device path/],
  ];
  for (const [chip, line, code, message] of cases) {
    await withSysfs(RPI4_SYSFS_CHIPS, [{ name: 'relay', chip, line }], {}, async (actuator, sysfs) => {
      await assert.rejects(actuator.start(), { code, message }, `${chip} ${line}`);
      assert.deepEqual(sysfs.log, [], 'nothing exported');
    });
  }
});

test('GPIO2 on a Pi 4 header chip is offset 2 even though the chip names that line SDA1', async () => {
  await withSysfs(RPI4_SYSFS_CHIPS, [{ name: 'relay', chip: 'auto', line: 'GPIO2' }], {}, async (actuator, sysfs) => {
    await actuator.start();
    assert.deepEqual(sysfs.log, ['export 514']);
  });
});
