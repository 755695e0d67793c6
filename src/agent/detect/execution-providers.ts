/**
 * Execution-provider selection: one provider per attempt, in the caller's order, `cpu` always last.
 * onnxruntime-node does not fall back by itself: a session created with ['webgpu', 'cpu'] throws when no GPU
 * adapter exists instead of using the CPU, so each provider gets its own session, and a provider counts as
 * working only once a warm-up run succeeds on it (a CUDA provider can load and still fail at run time).
 */
import * as ort from 'onnxruntime-node';
import { errorMessage, isLookoutError, LookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { ProviderAttempt } from './types.ts';

export const DEFAULT_PROVIDERS: readonly string[] = ['cpu'];

/** The preference list with duplicates removed and `cpu` appended when missing. */
export function providerOrder(preferred: readonly string[]): string[] {
  const order = [...new Set(preferred.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))].filter((p) => p !== 'cpu');
  order.push('cpu');
  return order;
}

export type OrtLogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

export interface SessionSettings {
  readonly threads: number;
  /**
   * onnxruntime's own stderr logging. Default 'fatal': a provider that fails to load is reported through the
   * logger and DetectorInfo.attempts, and onnxruntime would print the same failure again as raw error lines.
   */
  readonly ortLogLevel?: OrtLogLevel | undefined;
}

export interface OpenedSession<T> {
  readonly session: ort.InferenceSession;
  readonly provider: string;
  readonly attempts: readonly ProviderAttempt[];
  /** What `probe` returned for the selected session. */
  readonly probed: T;
}

/**
 * onnxruntime errors span lines and often start with the failing check's source location
 * ("/onnxruntime_src/...cc:136 <function> <condition> was false. Failed to get a WebGPU adapter: ..."):
 * keep the first line, from the human part on.
 */
export function shortReason(e: unknown): string {
  let line = errorMessage(e).split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
  if (line.startsWith('/onnxruntime_src/')) {
    const human = line.lastIndexOf(' was false. ');
    line = human >= 0 ? line.slice(human + ' was false. '.length) : line.slice(line.indexOf(' ') + 1);
  }
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

/**
 * Opens `model` on the first provider that loads it and passes `probe` (the warm-up). A LookoutError from
 * `probe` is a fault of the model, not of the provider: it stops the search. `cpu` failing ends it too.
 */
export async function openSession<T>(
  model: Uint8Array,
  where: string,
  preferred: readonly string[],
  settings: SessionSettings,
  probe: (session: ort.InferenceSession) => Promise<T>,
  logger: Logger,
): Promise<OpenedSession<T>> {
  const attempts: ProviderAttempt[] = [];
  // Read once, when the first session of this thread initialises onnxruntime.
  ort.env.logLevel = settings.ortLogLevel ?? 'fatal';
  for (const provider of providerOrder(preferred)) {
    logger.info({ provider }, 'trying execution provider');
    let session: ort.InferenceSession | undefined;
    try {
      session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: settings.threads,
      });
      const probed = await probe(session);
      attempts.push({ provider, ok: true, reason: 'selected' });
      logger.info({ provider }, 'execution provider selected');
      return { session, provider, attempts, probed };
    } catch (e) {
      if (session !== undefined) {
        await session.release().catch((r: unknown) => {
          logger.debug({ provider, reason: errorMessage(r) }, 'releasing a failed session failed');
        });
      }
      if (isLookoutError(e)) throw e;
      const reason = shortReason(e);
      logger.debug({ provider, err: errorMessage(e) }, 'execution provider error in full');
      attempts.push({ provider, ok: false, reason });
      if (provider === 'cpu') {
        const tried = attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ');
        throw new LookoutError('model', 'MODEL_LOAD_FAILED', `onnxruntime cannot run the model (${tried})`, { where, cause: e });
      }
      logger.warn({ provider, reason }, 'execution provider unavailable, trying the next one');
    }
  }
  // providerOrder always ends with cpu, whose failure throws above.
  throw new LookoutError('model', 'MODEL_LOAD_FAILED', 'no execution provider left to try', { where });
}
