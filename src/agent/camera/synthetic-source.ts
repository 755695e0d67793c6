/**
 * The synthetic camera: a FrameSource over the synthetic world, for the demo, tests and benchmarks. It keeps
 * the same contract as the real adapters (tight I420 frames from a pool, capture time stamped when the frame
 * is complete, seq counting up), and remembers each recent frame's ground truth, which only a simulator has.
 */
import { LookoutError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { systemClock, type Clock } from '../clock.ts';
import { systemTimers, type TimerHandle, type Timers } from '../../util/timers.ts';
import { frameByteLength } from './frame.ts';
import { FramePool } from './frame-pool.ts';
import type { FrameSource, FrameSourceEventName, FrameSourceEvents, FrameSourceStats } from './frame-source.ts';
import { rgbToI420 } from './i420.ts';
import { SourceEvents } from './source-events.ts';
import { ConsumerGuard } from './consumer-guard.ts';
import type { Frame } from './frame.ts';
import type { DomainShift } from './synthetic/domain.ts';
import type { GroundTruth } from './synthetic/labels.ts';
import { SyntheticWorld } from './synthetic/world.ts';

export interface SyntheticSourceOptions {
  readonly width: number;
  readonly height: number;
  /** Frames per second; 0 renders as fast as the machine can (a camera faster than any model). */
  readonly fps: number;
  readonly seed: number;
  readonly domain?: Partial<DomainShift>;
}

export interface SyntheticSourceDeps {
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** How many recent frames keep their ground truth (enough for a frame to come back from the detector). */
const TRUTH_HISTORY = 16;

export class SyntheticSource implements FrameSource {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  private readonly opts: SyntheticSourceOptions;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly events: SourceEvents;
  private readonly guard: ConsumerGuard;
  private world: SyntheticWorld | undefined;
  private pool: FramePool | undefined;
  private rgb: Uint8Array | undefined;
  private onFrame: ((frame: Frame) => void) | undefined;
  private timer: TimerHandle | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private startedAt = 0;
  private nextDue = 0;
  private seq = 0;
  private captured = 0;
  private restarts = 0;
  private lastFrameAt: number | null = null;
  private readonly truth = new Map<number, GroundTruth[]>();

  constructor(opts: SyntheticSourceOptions, deps: SyntheticSourceDeps = {}) {
    this.opts = opts;
    this.name = `synthetic:${opts.seed}`;
    this.width = opts.width;
    this.height = opts.height;
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? systemTimers;
    this.events = new SourceEvents(deps.logger ?? silentLogger);
    this.guard = new ConsumerGuard(deps.logger ?? silentLogger);
  }

  get stats(): FrameSourceStats {
    return {
      captured: this.captured,
      restarts: this.restarts,
      shortReads: 0,
      lastFrameAt: this.lastFrameAt,
      poolMisses: this.pool?.stats.misses ?? 0,
    };
  }

  /** The world's domain; changing it is how the demo and the drift tests shift the scene. */
  setDomain(shift: Partial<DomainShift>): void {
    this.worldOrThrow().setDomain(shift);
  }

  get domain(): DomainShift | undefined {
    return this.world?.domain;
  }

  /** Ground truth of a recent frame (by seq), or undefined once it has left the short history. */
  groundTruth(seq: number): GroundTruth[] | undefined {
    return this.truth.get(seq);
  }

  start(onFrame: (frame: Frame) => void): Promise<void> {
    if (this.onFrame !== undefined) {
      return Promise.reject(new LookoutError('camera', 'CAMERA_ALREADY_STARTED', `${this.name} is already started`, { where: this.name }));
    }
    if (!(this.opts.fps >= 0 && this.opts.fps <= 1000)) {
      return Promise.reject(new LookoutError('config', 'CAMERA_BAD_OPTION', `fps must be in [0, 1000], got ${this.opts.fps}`, { where: 'camera.fps' }));
    }
    // SyntheticWorld validates size and seed and throws a LookoutError naming the field.
    this.world ??= new SyntheticWorld({ width: this.width, height: this.height, seed: this.opts.seed, ...(this.opts.domain === undefined ? {} : { domain: this.opts.domain }) });
    this.pool = new FramePool(frameByteLength('i420', this.width, this.height), 4);
    this.pool.prefill();
    this.rgb = new Uint8Array(this.width * this.height * 3);
    this.onFrame = onFrame;
    this.startedAt = this.clock.monoMs();
    this.nextDue = this.startedAt;
    this.schedule();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.cancel();
    this.onFrame = undefined;
    return Promise.resolve();
  }

  restart(reason: string): Promise<void> {
    const onFrame = this.onFrame;
    this.cancel();
    if (onFrame === undefined) return Promise.resolve();
    this.restarts++;
    this.events.emit('restarted', { reason, failures: 0, backoffMs: 0 });
    this.nextDue = this.clock.monoMs();
    this.schedule();
    return Promise.resolve();
  }

  release(data: Uint8Array): void {
    this.pool?.release(data);
  }

  on<E extends FrameSourceEventName>(event: E, listener: (e: FrameSourceEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  private worldOrThrow(): SyntheticWorld {
    this.world ??= new SyntheticWorld({ width: this.width, height: this.height, seed: this.opts.seed, ...(this.opts.domain === undefined ? {} : { domain: this.opts.domain }) });
    return this.world;
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private schedule(): void {
    if (this.opts.fps === 0) {
      this.immediate = setImmediate(() => {
        this.tick();
      });
      return;
    }
    // Deadlines advance by the frame period from the start, so timer lateness never accumulates into drift;
    // a late tick skips the frames it missed, as a real sensor would.
    const period = 1000 / this.opts.fps;
    const now = this.clock.monoMs();
    if (this.nextDue < now - period) this.nextDue = now;
    this.timer = this.timers.setTimeout(() => {
      this.tick();
    }, Math.max(0, this.nextDue - now));
    this.nextDue += period;
  }

  private tick(): void {
    const onFrame = this.onFrame;
    if (onFrame === undefined || this.world === undefined || this.pool === undefined || this.rgb === undefined) return;
    const { objects } = this.world.renderAt(this.clock.monoMs() - this.startedAt, this.rgb);
    const data = this.pool.acquire();
    rgbToI420(this.rgb, this.width, this.height, data);
    const capturedAt = this.clock.monoMs();
    const seq = this.seq++;
    this.truth.set(seq, objects);
    this.truth.delete(seq - TRUTH_HISTORY);
    this.captured++;
    this.lastFrameAt = capturedAt;
    this.guard.deliver(onFrame, { data, width: this.width, height: this.height, format: 'i420', capturedAt, seq });
    if (this.onFrame !== undefined) this.schedule();
  }
}
