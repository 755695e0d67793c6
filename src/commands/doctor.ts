import { systemClock } from '../agent/clock.ts';
import { systemTimers } from '../util/timers.ts';
import { formatChecklist, runDoctor } from '../agent/health/doctor.ts';
import { loadConfig, processEnv } from '../config/load.ts';
import { silentLogger } from '../log.ts';
import { parseCommandArgs } from './detect.ts';

export const summary = 'check camera, GPIO, model, providers and temperature against a config; exit 1 when something is missing';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false });
  if (values.help === true) {
    process.stdout.write('usage: lookout doctor [--config FILE]\n');
    return 0;
  }
  const config = await loadConfig(values.config);
  const results = await runDoctor({ config, logger: silentLogger, clock: systemClock, timers: systemTimers, env: processEnv() });
  process.stdout.write(formatChecklist(results) + '\n');
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
