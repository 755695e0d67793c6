/** The contract's view of the gpiod backend over the stand-in tools, for one libgpiod flavour and board. */
import { GpiodActuator } from '../../../src/agent/gpio/gpiod-actuator.ts';
import { silentLogger } from '../../../src/log.ts';
import type { BoardLine, ContractBackend } from '../actuator-contract.ts';
import { GpiodStandin, type StandinOptions } from './gpiod-standin.ts';

export interface GpiodBoardLine extends BoardLine {
  /** Where the stand-in records it: chip name and offset. */
  readonly at: readonly [string, number];
}

export function gpiodContractBackend(
  name: string,
  options: StandinOptions,
  lines: readonly [GpiodBoardLine, GpiodBoardLine, GpiodBoardLine],
): ContractBackend {
  return {
    name,
    lines,
    create: (outputs, clock) => {
      const standin = new GpiodStandin(options);
      const actuator = new GpiodActuator(outputs, { clock, logger: silentLogger, ...standin.deps(), timeoutMs: 5000 });
      return Promise.resolve({
        actuator,
        observe: (output) => {
          const config = outputs.find((o) => o.name === output);
          const line = lines.find((l) => l.chip === config?.chip && l.line === config.line);
          if (line === undefined) return { level: null, held: false };
          const seen = standin.line(...line.at);
          return { level: seen.level, held: seen.held };
        },
        dispose: () => {
          standin.cleanup();
          return Promise.resolve();
        },
      });
    },
  };
}
