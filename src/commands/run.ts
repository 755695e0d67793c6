import { loadConfig } from '../config/load.ts';
import { Agent } from '../agent/main.ts';
import { runUntilStopped } from '../agent/run-process.ts';
import { createConsoleReporter } from '../agent/console-reporter.ts';
import { systemClock } from '../agent/clock.ts';
import { createLogger } from '../util/create-logger.ts';
import { LookoutError } from '../errors.ts';
import type { Config } from '../config/schema.ts';
import { parseCommandArgs } from './detect.ts';

export const summary = 'run the agent: camera → detector → rules → GPIO (lookout run --config FILE)';

/** Runs an agent from a validated config until a signal (or --duration seconds), printing what it does. */
export async function runAgentFromConfig(config: Config, durationS: number | undefined): Promise<number> {
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const reporter = createConsoleReporter(logger, systemClock);
  const agent = new Agent({ config, logger, listeners: reporter });
  const interval = setInterval(() => {
    const p = agent.runningPipeline;
    if (p !== undefined) reporter.summary(p);
  }, 5000);
  try {
    return await runUntilStopped(agent, logger, durationS === undefined ? {} : { durationMs: durationS * 1000 });
  } finally {
    clearInterval(interval);
  }
}

export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new LookoutError('cli', 'BAD_ARGUMENT', `--duration must be a positive number of seconds, got "${text}"`, { where: '--duration' });
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write('usage: lookout run --config FILE [--duration SECONDS]\n');
    return 0;
  }
  const config = await loadConfig(values.config);
  return runAgentFromConfig(config, parseDuration(values.duration));
}
