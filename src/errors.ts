/**
 * Errors with stable codes per subsystem. Tests assert `code`, never wording.
 * Leaf module: imports nothing from the project.
 */
export type Subsystem = 'config' | 'camera' | 'inference' | 'model' | 'image' | 'dataset' | 'gpio' | 'mqtt' | 'telemetry' | 'update' | 'cli' | 'store' | 'retrain' | 'rollout';

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

/**
 * Reason codes of model updates: the `code` of LookoutError('update', ...) and of the `update` messages
 * (protocol/update.ts) in the states rejected, failed and rolled-back. The cloud counts them by name.
 */
export const UPDATE_CODES = [
  // The manifest (signature, schema, dates, what it asks for).
  'BAD_ENVELOPE', 'UNKNOWN_KEY', 'BAD_KEY', 'BAD_SIGNATURE', 'BAD_MANIFEST', 'EXPIRED', 'NOT_YET_VALID',
  'DOWNGRADE', 'BAD_URL', 'NO_SPACE', 'REFUSED_BEFORE',
  // The download.
  'DOWNLOAD_FAILED', 'TOO_LARGE', 'TRUNCATED', 'SHA256_MISMATCH',
  // The model itself, before it runs a frame that counts.
  'LOAD_FAILED', 'WORKER_CRASHED', 'LABELS_MISMATCH', 'LABELS_BREAK_RULE', 'INPUT_MISMATCH', 'NO_FRAMES',
  // Probation.
  'CRASHED', 'PROVIDER_FALLBACK', 'FPS_DROP', 'TOO_SLOW',
  // The device.
  'IO_FAILED', 'STOPPED', 'INTERNAL',
] as const;
export type UpdateCode = (typeof UPDATE_CODES)[number];

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
