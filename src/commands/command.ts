import { EXIT_BAD_INPUT, errorMessage, isLookoutError } from '../errors.ts';

/** What every module in src/commands/ exports. */
export interface CommandModule {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** Prints an error the way every command reports one (where: message [code]) and returns the exit code. */
export function reportError(e: unknown): number {
  if (isLookoutError(e)) {
    const where = e.where === undefined ? '' : `${e.where}: `;
    process.stderr.write(`lookout: ${where}${e.message} [${e.code}]\n`);
    return EXIT_BAD_INPUT;
  }
  process.stderr.write(`lookout: ${e instanceof Error && e.stack !== undefined ? e.stack : errorMessage(e)}\n`);
  return 1;
}
