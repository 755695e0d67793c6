import { runActuatorContract } from './actuator-contract.ts';
import { gpiodContractBackend } from './helpers/gpiod-contract-backend.ts';

// libgpiod v1.6 (Raspberry Pi OS bookworm) on a Raspberry Pi 4: gpioset --mode=signal restarted per change.
runActuatorContract(
  gpiodContractBackend('gpiod v1 (rpi4)', { major: 1, board: 'rpi4' }, [
    { chip: 'pinctrl-bcm2711', line: 'GPIO17', at: ['gpiochip0', 17] },
    { chip: 'auto', line: 'GPIO27', at: ['gpiochip0', 27] },
    { chip: '/dev/gpiochip0', line: '22', at: ['gpiochip0', 22] },
  ]),
);
