/**
 * Spawning and stopping capture tools. They run as the leader of their own process group (`spawn(..., { detached: true })`, which
 * calls setsid() on POSIX), and are stopped by signalling the whole group: tools fork helpers (gst-launch's
 * plugin scanner, shell wrappers, a wrapper's real ffmpeg), and any survivor keeps the camera device open,
 * so the next run fails with "device busy".
 */
import type { ChildProcess } from 'node:child_process';
import { LookoutError } from '../../errors.ts';
import { type CaptureDeps } from './capture-deps.ts';
import { cancellableSleep } from '../../util/timers.ts';

export type GroupDeps = Pick<CaptureDeps, 'kill' | 'clock' | 'timers' | 'groupMembers'>;

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** How often to look whether the group is gone. */
  readonly pollMs: number;
}

export type TerminateOutcome = 'already-gone' | 'terminated' | 'killed';

function errno(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Resolves with undefined once the process is running, or with the spawn error (ENOENT, EACCES...). */
function spawnOutcome(child: ChildProcess): Promise<Error | undefined> {
  return new Promise((resolve) => {
    child.once('spawn', () => {
      resolve(undefined);
    });
    child.once('error', resolve);
  });
}

/**
 * Starts the first of `candidates` that exists (ENOENT moves on to the next name) as the leader of a new
 * process group, stdout and stderr piped. Rejects with CAPTURE_TOOL_NOT_FOUND when none exists.
 */
export async function spawnCaptureTool(
  deps: Pick<CaptureDeps, 'spawn' | 'env'>,
  candidates: readonly string[],
  args: readonly string[],
): Promise<{ child: ChildProcess; executable: string }> {
  for (const file of candidates) {
    // detached: setsid(), so the tool leads a new process group that stop() can signal as a whole.
    const child = deps.spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: deps.env });
    const failure = await spawnOutcome(child);
    if (failure === undefined) return { child, executable: file };
    if (errno(failure) !== 'ENOENT') {
      throw new LookoutError('camera', 'CAPTURE_SPAWN_FAILED', `cannot start ${file}: ${failure.message}`, { where: file, cause: failure });
    }
  }
  throw new LookoutError('camera', 'CAPTURE_TOOL_NOT_FOUND', `${candidates.join(' or ')} not found on PATH`, { where: candidates.join(', ') });
}

/** Sends `signal` to every process of the group led by `pgid`; false when the group no longer exists. */
export function signalGroup(deps: GroupDeps, pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    deps.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (errno(e) === 'ESRCH') return false;
    throw e;
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * SIGTERM to the group, then SIGKILL to the group when the leader or any member is still there after
 * `graceMs`. Resolves once the leader has exited (or, after SIGKILL, at most one more grace period later).
 */
export async function terminateGroup(child: ChildProcess, deps: GroupDeps, options: TerminateOptions): Promise<TerminateOutcome> {
  const pgid = child.pid;
  if (pgid === undefined) return 'already-gone';
  if (!signalGroup(deps, pgid, 'SIGTERM')) return 'already-gone';

  const gone = async (): Promise<boolean> => {
    if (!hasExited(child)) return false;
    const members = await deps.groupMembers(pgid);
    return members === undefined ? !signalGroup(deps, pgid, 0) : members.length === 0;
  };
  const deadline = deps.clock.monoMs() + options.graceMs;
  while (deps.clock.monoMs() < deadline) {
    if (await gone()) return 'terminated';
    await cancellableSleep(deps.timers, options.pollMs).done;
  }
  if (await gone()) return 'terminated';

  signalGroup(deps, pgid, 'SIGKILL');
  // SIGKILL cannot be caught; the wait only lets the leader be reaped so its 'exit' handlers run first.
  const killDeadline = deps.clock.monoMs() + options.graceMs;
  while (!hasExited(child) && deps.clock.monoMs() < killDeadline) {
    await cancellableSleep(deps.timers, options.pollMs).done;
  }
  return 'killed';
}
