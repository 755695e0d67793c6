/**
 * Errors with stable codes per subsystem. Tests assert `code`, never wording.
 * Leaf module: imports nothing from the project.
 */
export type Subsystem = 'config' | 'camera' | 'inference' | 'model' | 'image' | 'dataset' | 'gpio' | 'mqtt' | 'telemetry' | 'update' | 'cli' | 'store';

export class LookoutError extends Error {
  readonly code: string;
  readonly subsystem: Subsystem;
  /** The file, field or byte at fault, when there is one. */
  readonly where: string | undefined;

  constructor(subsystem: Subsystem, code: string, message: string, options?: { where?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LookoutError';
    this.subsystem = subsystem;
    this.code = code;
    this.where = options?.where;
  }
}

export function isLookoutError(e: unknown): e is LookoutError {
  return e instanceof LookoutError;
}

/** Exit code for bad input (config, model, image, data set): the user must fix something. */
export const EXIT_BAD_INPUT = 2;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
