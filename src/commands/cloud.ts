import { loadConfigWith, processEnv, CLOUD_ENV_PREFIX } from '../config/load.ts';
import { cloudConfigSchema } from '../cloud/config/schema.ts';
import { CloudService } from '../cloud/service.ts';
import { createLogger } from '../util/create-logger.ts';
import { parseCommandArgs } from './detect.ts';
import { parseDuration } from './run.ts';

export const summary = 'run the cloud service: fleet ingest (MQTT), store, dashboard (lookout cloud --config FILE)';

const USAGE = [
  'usage: lookout cloud [--config FILE] [--duration SECONDS]',
  '',
  'Subscribes to the fleet\'s telemetry, keeps it (SQLite or PostgreSQL) and serves the dashboard.',
  'Settings can also come from LOOKOUT_CLOUD_<SECTION>__<FIELD> variables (LOOKOUT_CLOUD_DASHBOARD__TOKEN=...).',
  '',
].join('\n');

/** Runs until SIGTERM/SIGINT (or --duration), then stops the dashboard, writes the last stats and closes the store. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const duration = parseDuration(values.duration);
  const config = await loadConfigWith(cloudConfigSchema, values.config, processEnv(), CLOUD_ENV_PREFIX);
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const service = new CloudService({ config, logger });
  let stop: (why: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => { stop(signal); };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const timer = duration === undefined ? undefined : setTimeout(() => { stop('duration'); }, duration * 1000);
  try {
    const running = await service.start();
    logger.info({ url: running.url, token: running.tokenSource }, `dashboard on ${running.url} (token: ${running.tokenSource})`);
    const why = await stopped;
    logger.info({ why }, 'stopping');
    return 0;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await service.stop();
  }
}
