/**
 * `lookout <command> [...]`: the one entry point. Each command lives in src/commands/ and is imported only
 * when it runs, so `lookout detect` never loads MQTT and `lookout demo` never loads the data-set writer.
 */
import { EXIT_BAD_INPUT } from './errors.ts';
import { reportError, type CommandModule } from './commands/command.ts';

const commands: Record<string, () => Promise<CommandModule>> = {
  detect: () => import('./commands/detect.ts'),
  eval: () => import('./commands/eval.ts'),
  dataset: () => import('./commands/dataset.ts'),
  demo: () => import('./commands/demo.ts'),
  run: () => import('./commands/run.ts'),
  'check-config': () => import('./commands/check-config.ts'),
  doctor: () => import('./commands/doctor.ts'),
  cloud: () => import('./commands/cloud.ts'),
  keys: () => import('./commands/keys.ts'),
};

function usage(): string {
  return ['usage: lookout <command> [options]', '', 'commands:', ...Object.keys(commands).map((c) => `  ${c}`), '',
    'Run `lookout <command> --help` for the options of one command.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    process.stderr.write(`lookout: unknown command "${name}"\n${usage()}\n`);
    return EXIT_BAD_INPUT;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);
