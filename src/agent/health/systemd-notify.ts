/**
 * Tells systemd how the agent is doing (sd_notify(3)): READY=1 once the frame loop runs, WATCHDOG=1 at half
 * the unit's WatchdogSec= but only while the pipeline keeps producing results, STOPPING=1 on the way out.
 *
 * Node has no AF_UNIX datagram sockets, so each message is sent by the `systemd-notify` tool. A short-lived
 * sender is attributed to its unit only if it still exists when PID 1 reads the message (systemd-notify(1),
 * systemd#2739); since systemd 246 the tool waits for PID 1 to process the message (sd_notify_barrier) unless
 * given --no-block, so the attribution holds on systemd 252. The tool is a child of the agent, not the main
 * PID, so the unit needs NotifyAccess=all. --pid is not used: on 252 it adds MAINPID= and, without
 * CAP_SYS_ADMIN, falls back to the tool's own PID anyway.
 */
import { execFile } from 'node:child_process';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Clock } from '../clock.ts';
import type { TimerHandle, Timers } from '../../util/timers.ts';

/** What the process environment says about the service manager; read from the env by the caller. */
export interface NotifySettings {
  /** $NOTIFY_SOCKET: a path or an abstract name ("@..."). */
  readonly socket: string;
  /** $WATCHDOG_USEC when it is meant for this process; undefined: no watchdog. */
  readonly watchdogMs: number | undefined;
}

/** Runs the notify tool; resolves with its exit code and stderr, never rejects. */
export type NotifySend = (vars: readonly string[], socket: string) => Promise<{ code: number; stderr: string }>;

export interface SystemdNotifierDeps {
  readonly settings: NotifySettings;
  /** A counter that grows while the pipeline works (frames processed); pings stop when it stands still. */
  readonly progress?: () => number | undefined;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly send?: NotifySend;
}

/** How long one systemd-notify run may take (its own barrier timeout is 5 s). */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Reads sd_notify's variables from `env` (sd_watchdog_enabled(3): WATCHDOG_PID, when set, must name this
 * process). Undefined when no service manager listens.
 */
export function notifySettings(env: NodeJS.ProcessEnv, pid: number): NotifySettings | undefined {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return undefined;
  const usec = Number(env['WATCHDOG_USEC']);
  const forUs = env['WATCHDOG_PID'] === undefined || Number(env['WATCHDOG_PID']) === pid;
  const watchdogMs = Number.isFinite(usec) && usec > 0 && forUs ? usec / 1000 : undefined;
  return { socket, watchdogMs };
}

/** The default sender: `systemd-notify VAR=value...` with NOTIFY_SOCKET in its environment. */
export const systemdNotifyTool: NotifySend = (vars, socket) =>
  new Promise((resolve) => {
    execFile('systemd-notify', [...vars], { env: { NOTIFY_SOCKET: socket }, timeout: SEND_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (error === null) resolve({ code: 0, stderr });
      else resolve({ code: typeof error.code === 'number' ? error.code : -1, stderr: stderr || error.message });
    });
  });

export class SystemdNotifier {
  private readonly deps: SystemdNotifierDeps;
  private timer: TimerHandle | undefined;
  private lastProgress = -1;
  private sending: Promise<void> = Promise.resolve();
  private busy = false;
  private running = false;
  /** Watchdog pings sent (for tests and the log). */
  pings = 0;

  constructor(deps: SystemdNotifierDeps) {
    this.deps = deps;
  }

  /** Sends READY=1 and starts the watchdog pings (when the unit has WatchdogSec=). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.lastProgress = this.deps.progress?.() ?? 0;
    await this.send(['READY=1', 'STATUS=running']);
    const period = this.deps.settings.watchdogMs;
    if (period !== undefined) this.schedule(period / 2);
  }

  /** Stops the pings and sends STOPPING=1 (systemd then waits TimeoutStopSec= instead of the watchdog). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    await this.send(['STOPPING=1', 'STATUS=stopping']);
  }

  private schedule(ms: number): void {
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = undefined;
      if (!this.running) return;
      this.tick();
      this.schedule(ms);
    }, ms);
  }

  /** One watchdog period half: ping only when the pipeline produced something since the last one. */
  private tick(): void {
    const now = this.deps.progress?.();
    const advanced = now === undefined || now !== this.lastProgress;
    if (now !== undefined) this.lastProgress = now;
    if (!advanced) {
      this.deps.logger.warn({ processed: now }, 'no frame processed for half a watchdog period: withholding the watchdog ping');
      return;
    }
    // A ping still on its way (a slow PID 1) is enough; never queue them up.
    if (this.busy) return;
    this.pings++;
    this.sending = this.send(['WATCHDOG=1']);
  }

  private async send(vars: readonly string[]): Promise<void> {
    const send = this.deps.send ?? systemdNotifyTool;
    this.busy = true;
    const started = this.deps.clock.monoMs();
    try {
      const { code, stderr } = await send(vars, this.deps.settings.socket);
      if (code !== 0) this.deps.logger.warn({ vars, code, stderr: stderr.trim() }, 'systemd-notify failed');
      else this.deps.logger.debug({ vars, ms: Math.round(this.deps.clock.monoMs() - started) }, 'sd_notify sent');
    } catch (e) {
      this.deps.logger.warn({ vars, err: errorMessage(e) }, 'systemd-notify failed');
    } finally {
      this.busy = false;
    }
  }
}
