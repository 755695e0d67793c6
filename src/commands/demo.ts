import { parseConfig } from '../config/load.ts';
import { demoConfig } from '../agent/demo-config.ts';
import { parseCommandArgs } from './detect.ts';
import { parseDuration, runAgentFromConfig } from './run.ts';

export const summary = 'the embedded default: synthetic camera, bundled model, simulated relays (no hardware needed)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write('usage: lookout demo [--duration SECONDS]\n');
    return 0;
  }
  return runAgentFromConfig(parseConfig(demoConfig, '(demo config)', process.env), parseDuration(values.duration));
}
