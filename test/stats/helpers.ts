import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/agent/clock.ts';
import type { TimerHandle, Timers } from '../../src/util/timers.ts';
import type { Detection } from '../../src/agent/detect/types.ts';
import type { FrameResult, PipelineCounters } from '../../src/agent/pipeline.ts';
import { StatsCollector, type StatsCollectorDeps } from '../../src/agent/telemetry/stats/stats-collector.ts';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  mono = 1000;
  wall = 1_767_225_600_000;
  monoMs(): number {
    return this.mono;
  }
  wallMs(): number {
    return this.wall;
  }
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
}

interface PendingTimer {
  fn: () => void;
  ms: number;
  cleared: boolean;
}

/** Timers that only record; the test fires them. */
export class ManualTimers implements Timers {
  readonly armed: PendingTimer[] = [];
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = { fn, ms, cleared: false };
    this.armed.push(t);
    return t;
  }
  clearTimeout(handle: TimerHandle): void {
    (handle as PendingTimer).cleared = true;
  }
  live(): PendingTimer[] {
    return this.armed.filter((t) => !t.cleared);
  }
  /** Fires the one timer armed now (a fired timer is spent). */
  fire(): void {
    const [timer, ...more] = this.live();
    if (timer === undefined || more.length > 0) throw new Error(`expected one armed timer, found ${this.live().length}`);
    timer.cleared = true;
    timer.fn();
  }
}

export function detection(label: string, score: number): Detection {
  return { classId: 0, label, score, box: [0, 0, 10, 10] };
}

export function result(seq: number, opts: { capturedAt?: number; inferenceMs?: number; glassToGpioMs?: number; detections?: Detection[] } = {}): FrameResult {
  const capturedAt = opts.capturedAt ?? seq * 100;
  return {
    seq,
    capturedAt,
    width: 640,
    height: 480,
    detections: opts.detections ?? [],
    timings: { preprocessMs: 1, inferenceMs: opts.inferenceMs ?? 10, postprocessMs: 1 },
    doneAt: capturedAt + 20,
    gpioWriteAt: opts.glassToGpioMs === undefined ? null : capturedAt + opts.glassToGpioMs,
  };
}

/** Counters the test changes between snapshots, as the pipeline and camera would. */
export interface Sources {
  pipeline: PipelineCounters;
  captured: number;
}

export function collectorWith(clock: ManualClock, overrides: Partial<StatsCollectorDeps> = {}): { collector: StatsCollector; sources: Sources } {
  const sources: Sources = { pipeline: { framesIn: 0, processed: 0, dropped: 0, detectErrors: 0 }, captured: 0 };
  const collector = new StatsCollector({
    deviceId: 'pi-porch',
    intervalS: 10,
    clock,
    pipeline: () => sources.pipeline,
    source: () => ({ captured: sources.captured }),
    detector: () => ({ provider: 'cpu', model: { name: 'lookout-int8', version: 3 } }),
    thermalRoot: '/nonexistent-thermal-root',
    throttle: { read: () => Promise.resolve(null) },
    memoryUsage: () => ({ rss: 100 * 1024 * 1024, heapUsed: 20 * 1024 * 1024 }),
    ...overrides,
  });
  return { collector, sources };
}

/** A thermal sysfs tree: one `thermal_zoneN` per entry, with its `type` and `temp` (millidegrees). */
export async function thermalTree(zones: readonly { type: string; temp: string }[]): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'lookout-thermal-'));
  for (const [i, zone] of zones.entries()) {
    const dir = join(root, `thermal_zone${i}`);
    await mkdir(dir);
    await writeFile(join(dir, 'type'), `${zone.type}\n`);
    await writeFile(join(dir, 'temp'), zone.temp);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
