import { SimActuator } from '../../src/agent/gpio/sim-actuator.ts';
import type { GpioChipInfo } from '../../src/agent/gpio/line-resolver.ts';
import { silentLogger } from '../../src/log.ts';
import { runActuatorContract } from './actuator-contract.ts';

/** A Pi-5-like header chip, so the simulator checks chip and line names as a board would. */
const board: GpioChipInfo[] = [
  {
    name: 'gpiochip0',
    label: 'pinctrl-rp1',
    numLines: 54,
    lines: Array.from({ length: 28 }, (_, offset) => ({
      offset,
      name: `GPIO${offset}`,
      used: false,
      consumer: null,
      direction: 'input' as const,
      activeLow: false,
    })),
  },
];

runActuatorContract({
  name: 'sim',
  lines: [
    { chip: 'pinctrl-rp1', line: 'GPIO17' },
    { chip: 'auto', line: 'GPIO27' },
    { chip: '/dev/gpiochip0', line: 22 },
  ],
  create: (outputs, clock) => {
    const actuator = new SimActuator(outputs, { clock, logger: silentLogger, board });
    return Promise.resolve({
      actuator,
      observe: (output) => ({ level: actuator.level(output) ?? null, held: actuator.isClaimed(output) }),
      dispose: () => Promise.resolve(),
    });
  },
});
