/**
 * The capture-process machinery every process-based adapter (libcamera, v4l2, gstreamer, video file) runs on:
 * spawn the tool as a process-group leader, cut its stdout into frames, log its stderr, watch for stalls,
 * restart with exponential backoff, report `lost`, and kill the whole group on stop.
 * Adapters only say which executable, which argv (an array, never a shell string) and which byte layout.
 */
import type { ChildProcess } from 'node:child_process';
import { LookoutError, errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { type CaptureDeps } from './capture-deps.ts';
import { cancellableSleep, type TimerHandle } from '../../util/timers.ts';
import { backoffDelay, type CaptureSettings } from './capture-settings.ts';
import { ConsumerGuard } from './consumer-guard.ts';
import { frameByteLength, type Frame } from './frame.ts';
import { FrameAssembler } from './frame-assembler.ts';
import { FramePool } from './frame-pool.ts';
import type { FrameSource, FrameSourceEventName, FrameSourceEvents, FrameSourceStats } from './frame-source.ts';
import type { I420Layout } from './i420-layout.ts';
import { signalGroup, spawnCaptureTool, terminateGroup } from './process-group.ts';
import { SourceEvents } from './source-events.ts';
import { StderrLog } from './stderr-log.ts';

export interface CaptureCommand {
  /** Executables to try in order; the first one that exists is used, and remembered for restarts. */
  readonly candidates: readonly string[];
  readonly args: readonly string[];
}

export interface CaptureProcessOptions {
  readonly name: string;
  readonly command: CaptureCommand;
  /** How frames sit in the tool's stdout. */
  readonly layout: I420Layout;
  readonly settings: CaptureSettings;
  /** A clean exit (status 0) ends a finite input (a video played once) instead of counting as a failure. */
  readonly endOnCleanExit: boolean;
}

type State = 'idle' | 'running' | 'recovering' | 'restarting' | 'stopping' | 'lost' | 'ended';

interface Run {
  readonly child: ChildProcess;
  readonly executable: string;
  readonly startedAt: number;
  readonly stderr: StderrLog;
  frames: number;
}

const POLL_MS = 20;

export class CaptureProcessSource implements FrameSource {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  private readonly log: Logger;
  private readonly events: SourceEvents;
  private readonly pool: FramePool;
  private readonly assembler: FrameAssembler;
  private readonly guard: ConsumerGuard;
  private state: State = 'idle';
  private run: Run | undefined;
  private readonly live = new Set<ChildProcess>();
  private onFrame: ((frame: Frame) => void) | undefined;
  private executable: string | undefined;
  private seq = 0;
  private captured = 0;
  private restarts = 0;
  private shortReads = 0;
  private lastFrameAt: number | null = null;
  private failures = 0;
  private watchdog: TimerHandle | undefined;
  private backoff: { cancel: () => void } | undefined;
  private recovery: Promise<void> | undefined;
  private launching: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private unhookExit: (() => void) | undefined;

  constructor(
    private readonly options: CaptureProcessOptions,
    private readonly deps: CaptureDeps,
  ) {
    this.name = options.name;
    this.width = options.layout.width;
    this.height = options.layout.height;
    this.log = deps.logger.child({ module: 'camera', source: options.name });
    this.events = new SourceEvents(this.log);
    this.guard = new ConsumerGuard(this.log);
    this.pool = new FramePool(frameByteLength('i420', this.width, this.height), options.settings.poolSize);
    this.assembler = new FrameAssembler(options.layout, this.pool, () => deps.clock.monoMs(), (data, at) => {
      this.deliver(data, at);
    });
  }

  get stats(): FrameSourceStats {
    return {
      captured: this.captured,
      restarts: this.restarts,
      shortReads: this.shortReads,
      lastFrameAt: this.lastFrameAt,
      poolMisses: this.pool.stats.misses,
    };
  }

  on<E extends FrameSourceEventName>(event: E, listener: (e: FrameSourceEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  release(data: Uint8Array): void {
    this.pool.release(data);
  }

  async start(onFrame: (frame: Frame) => void): Promise<void> {
    if (this.state !== 'idle') {
      throw new LookoutError('camera', 'CAMERA_ALREADY_STARTED', `${this.name} is already started`, { where: this.name });
    }
    this.onFrame = onFrame;
    this.pool.prefill();
    this.state = 'running';
    this.hookExit();
    try {
      await this.launch();
    } catch (e) {
      this.unhookExit?.();
      this.unhookExit = undefined;
      this.state = 'idle';
      throw e;
    }
  }

  stop(): Promise<void> {
    if (this.state === 'idle') return Promise.resolve();
    this.stopping ??= this.shutdown().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  async restart(reason: string): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopping') {
      throw new LookoutError('camera', 'CAMERA_NOT_STARTED', `${this.name} is not started`, { where: this.name });
    }
    this.state = 'restarting';
    this.backoff?.cancel();
    await this.recovery;
    await this.endRun(false);
    if (!this.is('restarting')) return;
    this.failures = 0;
    this.hookExit();
    try {
      await this.launch();
    } catch (e) {
      // The tool could not start: let the backoff loop retry it and report `lost` in the end.
      if (this.is('restarting')) {
        this.state = 'running';
        this.startRecovery(errorMessage(e));
      }
      throw e;
    }
    if (!this.is('restarting')) return;
    this.state = 'running';
    this.restarts++;
    this.log.info({ reason }, 'capture restarted on request');
    this.events.emit('restarted', { reason, failures: 0, backoffMs: 0 });
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    this.backoff?.cancel();
    await this.recovery;
    // A launch in flight (from start or restart) sets `run` when it lands; end that run too.
    await this.launching;
    await this.endRun(false);
    this.assembler.dispose();
    this.unhookExit?.();
    this.unhookExit = undefined;
    this.state = 'idle';
  }

  /** Spawns the tool and wires its output; resolves once it runs. */
  private launch(): Promise<void> {
    const launched = this.spawnRun();
    this.launching = launched.then(
      () => undefined,
      () => undefined,
    );
    return launched;
  }

  private async spawnRun(): Promise<void> {
    const candidates = this.executable === undefined ? this.options.command.candidates : [this.executable];
    const { child, executable } = await spawnCaptureTool(this.deps, candidates, this.options.command.args);
    this.live.add(child);
    if (this.executable === undefined && executable !== candidates[0]) {
      this.log.info({ tool: executable, tried: candidates }, 'capture tool found under its fallback name');
    }
    this.executable = executable;
    const run: Run = {
      child,
      executable,
      startedAt: this.deps.clock.monoMs(),
      stderr: new StderrLog(this.log.child({ tool: executable }), () => this.deps.clock.monoMs()),
      frames: 0,
    };
    this.run = run;
    this.assembler.reset();
    child.on('error', (e) => {
      this.log.warn({ tool: executable, err: e.message }, 'capture process error');
    });
    child.on('exit', () => this.live.delete(child));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.run === run) this.assembler.push(chunk);
    });
    child.stdout?.on('error', (e) => {
      this.log.warn({ err: e.message }, 'capture stdout error');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      run.stderr.push(chunk);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.onClose(run, code, signal);
    });
    this.log.info({ tool: executable, args: this.options.command.args, pid: child.pid }, 'capture process started');
    this.armWatchdog(this.options.settings.firstFrameMs);
  }

  private deliver(data: Uint8Array, capturedAt: number): void {
    const run = this.run!;
    run.frames++;
    this.captured++;
    this.lastFrameAt = capturedAt;
    if (run.frames === 1) {
      // From the first frame on, the shorter stall limit applies.
      this.clearWatchdog();
      this.armWatchdog(this.options.settings.stallMs);
    }
    if (this.failures > 0 && capturedAt - run.startedAt >= this.options.settings.healthyMs) {
      this.log.info({ failures: this.failures }, 'capture healthy again; backoff reset');
      this.failures = 0;
    }
    this.guard.deliver(this.onFrame, { data, width: this.width, height: this.height, format: 'i420', capturedAt, seq: this.seq++ });
  }

  private onClose(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    run.stderr.flush();
    if (run !== this.run || this.state !== 'running') return;
    if (code === 0 && this.options.endOnCleanExit) {
      this.run = undefined;
      this.clearWatchdog();
      if (this.assembler.reset()) this.shortReads++;
      this.state = 'ended';
      this.log.info({ frames: run.frames }, 'capture input ended');
      this.events.emit('ended', { frames: run.frames });
      return;
    }
    const how = signal === null ? `status ${code ?? 'unknown'}` : `signal ${signal}`;
    this.startRecovery(`${run.executable} exited with ${how}`, run.stderr.recent());
  }

  private armWatchdog(ms: number): void {
    this.watchdog = this.deps.timers.setTimeout(() => {
      this.watchdog = undefined;
      this.checkStall();
    }, ms);
  }

  private clearWatchdog(): void {
    if (this.watchdog === undefined) return;
    this.deps.timers.clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  /** Runs when the watchdog timer fires; frames do not touch the timer, they only move `lastFrameAt`. */
  private checkStall(): void {
    const run = this.run;
    if (run === undefined || this.state !== 'running') return;
    const { stallMs, firstFrameMs } = this.options.settings;
    const since = run.frames === 0 || this.lastFrameAt === null ? run.startedAt : this.lastFrameAt;
    const due = since + (run.frames === 0 ? firstFrameMs : stallMs);
    const now = this.deps.clock.monoMs();
    if (now < due) {
      this.armWatchdog(due - now);
      return;
    }
    const what = run.frames === 0 ? 'no first frame' : 'no frame';
    this.startRecovery(`${what} for ${Math.round(now - since)} ms`, run.stderr.recent());
  }

  private startRecovery(reason: string, stderr: readonly string[] = []): void {
    if (this.state !== 'running') return;
    this.state = 'recovering';
    this.recovery = this.recover(reason, stderr).finally(() => {
      this.recovery = undefined;
    });
  }

  /** Ends the failed run, then retries with exponential backoff until a run starts or `maxRestarts` is spent. */
  private async recover(firstReason: string, stderr: readonly string[]): Promise<void> {
    let reason = firstReason;
    try {
      await this.endRun(true);
      for (;;) {
        if (!this.is('recovering')) return;
        this.failures++;
        const { maxRestarts } = this.options.settings;
        if (this.failures > maxRestarts) {
          this.state = 'lost';
          this.unhookExit?.();
          this.unhookExit = undefined;
          this.log.error({ reason, restarts: maxRestarts, stderr }, 'camera lost');
          this.events.emit('lost', { reason, restarts: maxRestarts });
          return;
        }
        const backoffMs = backoffDelay(this.failures, this.options.settings);
        this.log.warn({ reason, failures: this.failures, backoffMs, stderr }, 'capture failed; restarting');
        const sleep = cancellableSleep(this.deps.timers, backoffMs);
        this.backoff = sleep;
        await sleep.done;
        this.backoff = undefined;
        if (!this.is('recovering')) return;
        try {
          await this.launch();
        } catch (e) {
          reason = errorMessage(e);
          continue;
        }
        if (!this.is('recovering')) return;
        this.state = 'running';
        this.restarts++;
        this.events.emit('restarted', { reason, failures: this.failures, backoffMs });
        return;
      }
    } catch (e) {
      this.log.error({ err: errorMessage(e) }, 'capture recovery failed');
    }
  }

  /**
   * Detaches the current run, drops its partial frame, and terminates its process group. The partial frame
   * counts as a short read when the run failed; one cut off by stop() or restart() does not.
   */
  private async endRun(failed: boolean): Promise<void> {
    const run = this.run;
    if (run === undefined) return;
    this.run = undefined;
    this.clearWatchdog();
    if (this.assembler.reset() && failed) this.shortReads++;
    const outcome = await terminateGroup(run.child, this.deps, { graceMs: this.options.settings.killGraceMs, pollMs: POLL_MS });
    if (outcome === 'killed') this.log.warn({ tool: run.executable }, 'capture process group ignored SIGTERM; sent SIGKILL');
    // A stray process outside the group could hold the pipes open; they are of no further use.
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
  }

  /** Reads the state through a call: it changes while an async method awaits, which narrowing cannot see. */
  private is(state: State): boolean {
    return this.state === state;
  }

  private hookExit(): void {
    this.unhookExit ??= this.deps.onProcessExit(() => {
      this.killAllNow();
    });
  }

  /** Last resort when this process exits: no time for a grace period, the camera must be free for the next one. */
  private killAllNow(): void {
    for (const child of this.live) {
      if (child.pid !== undefined) signalGroup(this.deps, child.pid, 'SIGKILL');
    }
  }
}
