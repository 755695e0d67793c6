import { ConfigError, loadConfig } from '../config/load.ts';
import { EXIT_BAD_INPUT } from '../errors.ts';
import { parseCommandArgs } from './detect.ts';

export const summary = 'validate a config file and print every error with its path (exit 2 when invalid)';

export async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  const file = positionals[0];
  if (values.help === true || file === undefined || positionals.length > 1) {
    process.stdout.write('usage: lookout check-config FILE\n');
    return values.help === true ? 0 : EXIT_BAD_INPUT;
  }
  try {
    const config = await loadConfig(file);
    process.stdout.write(`${file}: valid (${config.gpio.outputs.length} output(s), ${config.rules.length} rule(s), camera ${config.camera.source})\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const issue of e.issues) process.stderr.write(`${file}: ${issue.path}: ${issue.message}\n`);
    return EXIT_BAD_INPUT;
  }
}
