/**
 * The outside world a capture source touches, injected so tests drive it and production never asks which
 * one it got: process spawning and signalling, the clock, timers, the logger, and the exit hook.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { systemTimers, type Timers } from '../../util/timers.ts';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface CaptureDeps {
  readonly spawn: SpawnFn;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** `process.kill`: a negative pid signals a whole process group; signal 0 only probes. */
  readonly kill: (pid: number, signal: NodeJS.Signals | 0) => void;
  /**
   * Pids of the still-running (not zombie) members of a process group, or undefined where the system cannot
   * tell (no /proc); then a signal-0 probe decides, which also counts zombies.
   */
  readonly groupMembers: (pgid: number) => Promise<number[] | undefined>;
  /** Environment of the capture process; undefined inherits this process's. */
  readonly env: NodeJS.ProcessEnv | undefined;
  /**
   * Registers a synchronous hook for when this process exits (even on an uncaught exception), so a capture
   * process never outlives the agent holding the camera. Returns the unregister function.
   */
  readonly onProcessExit: (hook: () => void) => () => void;
}

/**
 * Reads /proc/<pid>/stat of every process (proc(5): fields 3, 5 are state and pgrp, after the parenthesised
 * command name, which may itself hold spaces and parentheses). Zombies are left out: they hold no device, and
 * an init that does not reap them (a container's) would otherwise keep a dead group looking alive.
 */
async function procGroupMembers(pgid: number): Promise<number[] | undefined> {
  const entries = await readdir('/proc').catch(() => undefined);
  if (entries === undefined) return undefined;
  const members: number[] = [];
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        // A process may exit between readdir and this read: then it is no member.
        const stat = await readFile(`/proc/${name}/stat`, 'latin1').catch(() => '');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (pgrp === String(pgid) && state !== 'Z' && state !== 'X') members.push(Number(name));
      }),
  );
  return members;
}

function onProcessExit(hook: () => void): () => void {
  process.on('exit', hook);
  return () => process.off('exit', hook);
}

export function captureDeps(overrides: Partial<CaptureDeps> = {}): CaptureDeps {
  return {
    spawn: (command, args, options) => nodeSpawn(command, args, options),
    clock: systemClock,
    timers: systemTimers,
    logger: silentLogger,
    kill: (pid, signal) => process.kill(pid, signal),
    groupMembers: procGroupMembers,
    env: undefined,
    onProcessExit,
    ...overrides,
  };
}
