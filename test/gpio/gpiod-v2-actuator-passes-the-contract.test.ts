import { runActuatorContract } from './actuator-contract.ts';
import { gpiodContractBackend } from './helpers/gpiod-contract-backend.ts';

// libgpiod v2 with interactive gpioset, on a Raspberry Pi 5 (Raspberry Pi OS trixie).
runActuatorContract(
  gpiodContractBackend('gpiod v2 interactive (rpi5)', { major: 2, board: 'rpi5' }, [
    { chip: 'pinctrl-rp1', line: 'GPIO17', at: ['gpiochip0', 17] },
    { chip: 'auto', line: 'GPIO27', at: ['gpiochip0', 27] },
    { chip: '/dev/gpiochip0', line: 22, at: ['gpiochip0', 22] },
  ]),
);
