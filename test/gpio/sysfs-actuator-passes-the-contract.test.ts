import { SysfsActuator } from '../../src/agent/gpio/sysfs-actuator.ts';
import { silentLogger } from '../../src/log.ts';
import { runActuatorContract, type BoardLine } from './actuator-contract.ts';
import { FakeSysfs, RPI5_SYSFS_CHIPS } from './helpers/fake-sysfs.ts';

// A Pi 5 on a 6.6+ kernel: pinctrl-rp1 at base 571, so GPIO17 is global 588. Files appear 20 ms after export.
const lines: readonly [BoardLine & { global: number }, BoardLine & { global: number }, BoardLine & { global: number }] = [
  { chip: 'pinctrl-rp1', line: 'GPIO17', global: 588 },
  { chip: 'auto', line: 27, global: 598 },
  { chip: 'pinctrl-rp1', line: '22', global: 593 },
];

runActuatorContract({
  name: 'sysfs (rpi5)',
  lines,
  create: (outputs, clock) => {
    const sysfs = new FakeSysfs(RPI5_SYSFS_CHIPS, 20);
    sysfs.start();
    const actuator = new SysfsActuator(outputs, { clock, logger: silentLogger, sysfsRoot: sysfs.root });
    return Promise.resolve({
      actuator,
      observe: (output) => {
        const config = outputs.find((o) => o.name === output);
        const line = lines.find((l) => l.chip === config?.chip && l.line === config.line);
        if (line === undefined) return { level: null, held: false };
        const seen = sysfs.line(line.global);
        return { level: seen.level, held: seen.exported };
      },
      dispose: () => {
        sysfs.stop();
        return Promise.resolve();
      },
    });
  },
});
