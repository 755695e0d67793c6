/**
 * Collects the numbers of `lookout/v1/dev/{id}/stats`. Fed per frame through `onResult` (O(1): numbers into
 * preallocated rings and typed arrays, nothing allocated), and once per interval reads the counters and
 * gauges given in its deps.
 *
 * Per interval (reset by every snapshot): frames captured/processed/dropped, fps, inference and glass-to-GPIO
 * percentiles, outbox drops, per-class confidence. Gauges (read at the snapshot): temperature, throttling,
 * memory, outbox depth and bytes, provider, model.
 *
 * Glass-to-GPIO here is per frame: capture → the last GPIO write that frame caused. The collector keeps its
 * own windows so the pipeline's (read by the console reporter and the bench) are never reset under them.
 */
import type { ModelRef, StatsPayload } from '../../../protocol/index.ts';
import { errorMessage, LookoutError } from '../../../errors.ts';
import { silentLogger, type Logger } from '../../../log.ts';
import { PercentileWindow, type Percentiles } from '../../../util/percentile-window.ts';
import type { Clock } from '../../clock.ts';
import { systemTimers, type TimerHandle, type Timers } from '../../../util/timers.ts';
import type { FrameSourceStats } from '../../camera/frame-source.ts';
import { findCpuZone, readZoneTempC, type ThermalZone } from '../../health/thermal.ts';
import type { FrameResult, PipelineCounters } from '../../pipeline.ts';
import { ClassConfidence } from './class-confidence.ts';
import { ThrottleProbe } from './throttled.ts';

/** What the outbox reports; `dropped` counts since start, per priority. */
export interface OutboxReading {
  readonly depth: number;
  readonly bytes: number;
  readonly dropped: Readonly<Record<string, number>>;
}

export interface MemoryUsage {
  readonly rss: number;
  readonly heapUsed: number;
}

export interface DetectorRef {
  readonly provider: string;
  readonly model: ModelRef;
}

export interface StatsCollectorDeps {
  readonly deviceId: string;
  readonly intervalS: number;
  readonly clock: Clock;
  /** Read every interval (counters since start; the collector reports the difference). */
  readonly pipeline: () => Readonly<Pick<PipelineCounters, 'processed' | 'dropped'>>;
  readonly source: () => Pick<FrameSourceStats, 'captured'>;
  readonly detector: () => DetectorRef;
  readonly outbox?: () => OutboxReading;
  /** The model's labels, registered up front so the first frames allocate nothing. */
  readonly labels?: readonly string[];
  readonly timers?: Timers;
  readonly logger?: Logger;
  /** Root of the thermal sysfs tree (tests point it at a temporary tree). */
  readonly thermalRoot?: string;
  readonly throttle?: Pick<ThrottleProbe, 'read'>;
  readonly memoryUsage?: () => MemoryUsage;
  /** Ring size of the per-interval latency windows: the newest samples win past it. */
  readonly windowCapacity?: number;
}

interface Baseline {
  captured: number;
  processed: number;
  dropped: number;
  outboxDropped: number;
}

const MB = 1024 * 1024;

export class StatsCollector {
  private readonly deps: StatsCollectorDeps;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly throttle: Pick<ThrottleProbe, 'read'>;
  private readonly memoryUsage: () => MemoryUsage;
  private readonly inference: PercentileWindow;
  private readonly glassToGpio: PercentileWindow;
  private readonly classes: ClassConfidence;
  private intervalStart: number | undefined;
  private baseline: Baseline = { captured: 0, processed: 0, dropped: 0, outboxDropped: 0 };
  private zone: ThermalZone | undefined;
  private cpuTempC: number | null = null;
  private throttled: number | null = null;
  private publish: ((payload: StatsPayload) => void) | undefined;
  private timer: TimerHandle | undefined;
  private cadenceStart = 0;
  /** The next cadence slot (a multiple of the period after `cadenceStart`) a tick may serve. */
  private nextSlot = 1;
  private tick: Promise<void> | undefined;

  constructor(deps: StatsCollectorDeps) {
    this.deps = deps;
    this.timers = deps.timers ?? systemTimers;
    this.logger = deps.logger ?? silentLogger;
    this.throttle = deps.throttle ?? new ThrottleProbe({ logger: this.logger, timers: this.timers });
    this.memoryUsage = deps.memoryUsage ?? (() => process.memoryUsage());
    const capacity = deps.windowCapacity ?? 4096;
    this.inference = new PercentileWindow(capacity);
    this.glassToGpio = new PercentileWindow(capacity);
    this.classes = new ClassConfidence(deps.labels);
  }

  /**
   * Starts the first interval now and finds the CPU's thermal zone. With `publish`, also arms a timer that
   * every `intervalS` reads temperature and throttling and hands over a snapshot; without it the caller
   * drives `collect()` or `snapshot()` itself.
   */
  async start(publish?: (payload: StatsPayload) => void): Promise<void> {
    await this.stop();
    this.zone = await findCpuZone(this.deps.thermalRoot);
    this.intervalStart = this.deps.clock.monoMs();
    this.baseline = this.readCounters();
    this.publish = publish;
    this.cadenceStart = this.intervalStart;
    this.nextSlot = 1;
    if (publish !== undefined) this.arm();
  }

  /** Cancels the timer and waits for a collection under way. Safe to call twice. */
  async stop(): Promise<void> {
    this.publish = undefined;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.tick;
  }

  /** A frame's result (the pipeline's `onResult`). No allocation. */
  onResult(result: FrameResult): void {
    this.inference.record(result.timings.inferenceMs);
    if (result.gpioWriteAt !== null) this.glassToGpio.record(result.gpioWriteAt - result.capturedAt);
    const detections = result.detections;
    // Indexed loop: no iterator object per frame.
    for (let i = 0; i < detections.length; i++) this.classes.record(detections[i]!.label, detections[i]!.score);
  }

  /** Reads the slow gauges (temperature file, `vcgencmd`) that the next snapshot reports. */
  async refreshHealth(): Promise<void> {
    const [temp, throttled] = await Promise.all([readZoneTempC(this.zone), this.throttle.read()]);
    this.cpuTempC = temp;
    this.throttled = throttled;
  }

  /** `refreshHealth()` then `snapshot()` at the clock's wall time. */
  async collect(): Promise<StatsPayload> {
    await this.refreshHealth();
    return this.snapshot(this.deps.clock.wallMs());
  }

  /** The interval's payload; starts the next interval (resets per-interval counters, windows and classes). */
  snapshot(nowWallMs: number): StatsPayload {
    if (this.intervalStart === undefined) {
      throw new LookoutError('telemetry', 'STATS_NOT_STARTED', 'StatsCollector.snapshot() called before start()', { where: 'StatsCollector' });
    }
    const now = this.deps.clock.monoMs();
    // Never 0: two snapshots in one millisecond still give a finite fps.
    const intervalS = Math.max(0.001, Math.round(now - this.intervalStart) / 1000);
    const counters = this.readCounters();
    const outbox = this.deps.outbox?.();
    const processed = delta(counters.processed, this.baseline.processed);
    const memory = this.memoryUsage();
    const { provider, model } = this.deps.detector();
    const payload: StatsPayload = {
      v: 1,
      deviceId: this.deps.deviceId,
      ts: Math.round(nowWallMs),
      intervalS,
      fps: round(processed / intervalS, 2),
      frames: {
        captured: delta(counters.captured, this.baseline.captured),
        processed,
        dropped: delta(counters.dropped, this.baseline.dropped),
      },
      inferenceMs: roundPercentiles(this.inference.percentiles()),
      glassToGpioMs: roundPercentiles(this.glassToGpio.percentiles()),
      cpuTempC: this.cpuTempC,
      throttled: this.throttled,
      memory: { rssMb: round(memory.rss / MB, 1), heapMb: round(memory.heapUsed / MB, 1) },
      outbox: {
        depth: outbox?.depth ?? 0,
        bytes: outbox?.bytes ?? 0,
        dropped: delta(counters.outboxDropped, this.baseline.outboxDropped),
      },
      provider: provider.slice(0, 32),
      model,
      classes: this.classes.summary(),
    };
    this.intervalStart = now;
    this.baseline = counters;
    this.inference.reset();
    this.glassToGpio.reset();
    this.classes.reset();
    return payload;
  }

  private readCounters(): Baseline {
    const p = this.deps.pipeline();
    const dropped = this.deps.outbox?.().dropped ?? {};
    let outboxDropped = 0;
    for (const n of Object.values(dropped)) outboxDropped += n;
    return { captured: this.deps.source().captured, processed: p.processed, dropped: p.dropped, outboxDropped };
  }

  /**
   * Fixed cadence from the start: no drift from the time each collection takes, and a collection that
   * overran an interval skips the missed slots rather than firing back to back.
   */
  private arm(): void {
    const periodMs = this.deps.intervalS * 1000;
    const now = this.deps.clock.monoMs();
    // Never the slot just served: Node runs timers on the event loop's whole-millisecond clock, so a tick can
    // start a fraction of a millisecond before its slot by the monotonic clock, and `floor` would then pick
    // that slot again and publish a second, near-empty stats message at once (seen under load).
    const slot = Math.max(Math.floor((now - this.cadenceStart) / periodMs) + 1, this.nextSlot);
    this.nextSlot = slot + 1;
    const due = this.cadenceStart + slot * periodMs;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.tick = this.runTick();
    }, due - now);
  }

  private async runTick(): Promise<void> {
    try {
      const payload = await this.collect();
      // Stopped while reading: the payload goes nowhere.
      this.publish?.(payload);
    } catch (e) {
      // A telemetry fault must not stop the next interval (STYLE 12).
      this.logger.error({ err: errorMessage(e) }, 'stats collection failed');
    }
    if (this.publish !== undefined) this.arm();
  }
}

/** A counter's increase; a counter that went back (its owner was replaced) counts from zero. */
function delta(now: number, before: number): number {
  return now >= before ? now - before : now;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Latencies are never negative (schema); a clock step cannot make them so, but clamp at the boundary. */
function roundPercentiles(p: Percentiles): StatsPayload['inferenceMs'] {
  return { p50: Math.max(0, round(p.p50, 2)), p95: Math.max(0, round(p.p95, 2)), p99: Math.max(0, round(p.p99, 2)), count: p.count };
}
