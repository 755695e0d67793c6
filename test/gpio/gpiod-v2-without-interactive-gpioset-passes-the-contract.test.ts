import { runActuatorContract } from './actuator-contract.ts';
import { gpiodContractBackend } from './helpers/gpiod-contract-backend.ts';

// libgpiod v2 built without --enable-gpioset-interactive: gpioset --banner restarted per change.
runActuatorContract(
  gpiodContractBackend('gpiod v2 restarting (rpi5)', { major: 2, board: 'rpi5', interactive: false }, [
    { chip: 'pinctrl-rp1', line: 'GPIO5', at: ['gpiochip0', 5] },
    { chip: 'auto', line: 'GPIO6', at: ['gpiochip0', 6] },
    { chip: 'pinctrl-rp1', line: 26, at: ['gpiochip0', 26] },
  ]),
);
