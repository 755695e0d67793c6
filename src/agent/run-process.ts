/**
 * Owns the process's exit paths for a running agent: SIGTERM and SIGINT stop it in order; an uncaught
 * exception or unhandled rejection drives every output safe synchronously, then exits 1; `exit` itself drives
 * them safe as a last resort. systemd (KillMode=control-group) cleans up whatever is left after that.
 * Under a Type=notify unit it also reports READY/WATCHDOG/STOPPING (health/systemd-notify.ts).
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { processEnv } from '../config/load.ts';
import { systemClock } from './clock.ts';
import { systemTimers } from '../util/timers.ts';
import { notifySettings, SystemdNotifier, type NotifySend, type NotifySettings } from './health/systemd-notify.ts';

/** What runs until stopped: an agent, or the demo's whole fleet. */
export interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Drives every output to its safe level without waiting for anything. */
  safeStateSync(): void;
  /** Grows while work gets done (frames processed); the systemd watchdog is fed only while it does. */
  progress?(): number | undefined;
}

export interface RunOptions {
  /** Stop by itself after this long (tests, the CI demo); undefined runs until a signal. */
  readonly durationMs?: number;
  /** systemd's notify socket and watchdog; default: read from the environment; null: never notify. */
  readonly notify?: NotifySettings | null;
  /** How notify messages are sent (tests); default: the systemd-notify tool. */
  readonly notifySend?: NotifySend;
}

export async function runUntilStopped(agent: Runnable, logger: Logger, options: RunOptions = {}): Promise<number> {
  const onExit = (): void => {
    agent.safeStateSync();
  };
  const fatal = (kind: string) => (e: unknown): void => {
    // Only synchronous code is certain to run now: outputs first, then the log line.
    agent.safeStateSync();
    logger.error({ module: 'agent', err: errorMessage(e), stack: e instanceof Error ? e.stack : undefined }, `${kind}: outputs driven safe, exiting`);
    process.exit(1);
  };
  const onException = fatal('uncaught exception');
  const onRejection = fatal('unhandled rejection');
  process.on('exit', onExit);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  let stopSignal: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stopSignal = resolve));
  const onSigterm = (): void => {
    stopSignal('SIGTERM');
  };
  const onSigint = (): void => {
    stopSignal('SIGINT');
  };
  process.once('SIGTERM', onSigterm);
  process.once('SIGINT', onSigint);
  const timer = options.durationMs === undefined ? undefined : setTimeout(() => {
    stopSignal('duration');
  }, options.durationMs);

  const settings = options.notify === undefined ? notifySettings(processEnv(), process.pid) : (options.notify ?? undefined);
  const notifier = settings === undefined
    ? undefined
    : new SystemdNotifier({
        settings,
        progress: () => agent.progress?.(),
        timers: systemTimers,
        clock: systemClock,
        logger: logger.child({ module: 'systemd' }),
        ...(options.notifySend === undefined ? {} : { send: options.notifySend }),
      });

  try {
    await agent.start();
    await notifier?.start();
    const why = await stopped;
    logger.info({ module: 'agent', why }, 'stopping');
    return 0;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    await notifier?.stop();
    await agent.stop();
    process.off('SIGTERM', onSigterm);
    process.off('SIGINT', onSigint);
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
    process.off('exit', onExit);
    logger.info({ module: 'agent' }, 'stopped: outputs at their safe level');
  }
}
