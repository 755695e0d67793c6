/**
 * Memory over time (issue 8): the real agent, as a child process, on the embedded default (synthetic camera at
 * the agent's default rate, simulated relays, telemetry to an embedded broker in this process), sampled from
 * outside through /proc/<pid>/status every few seconds, and its JS heap as it reports it in its own stats
 * messages. Target: the resident set grows by at most 2 MB over the soak (MB = 2^20 bytes, as the agent's stats).
 *
 * Warm-up: the first 120 s after the agent logs "agent started" (the detector session loaded, the camera
 * running), about 1,800 frames at 15 fps. On the 2-core x86 machine the resident set climbs to ≈ 205 MB in
 * the first minute and then drops once by ≈ 30 MB, 25-55 s in (native memory handed back: `--trace-gc` shows
 * no V8 collection at that moment); afterwards it saws by ≈ 10 MB (frame buffers outside the JS heap, freed
 * by each scavenge). 120 s puts the warm-up past that drop.
 * "After warm-up" and "at the end" are each the median of the samples of a 60 s window (ending at the warm-up's
 * end, and at the soak's end), several saw teeth each, so where one sample falls in a tooth does not decide
 * the result; the least-squares trend over the whole soak is reported beside it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoConfig } from '../../src/agent/demo-config.ts';
import { EmbeddedBroker, type PublishedMessage } from '../../src/agent/telemetry/embedded-broker.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { parseTopic, statsSchema } from '../../src/protocol/index.ts';
import { agentEntry, parseLogLine, readProcMemory, spawnWatched, writeAgentConfig, type StampedLine } from './agent-child.ts';
import type { Report } from './report.ts';
import { fmt, summarize } from './stats.ts';

export interface MemoryBenchOptions {
  /** Minutes measured after the warm-up (fractions allowed for a quick check). */
  readonly minutes: number;
  readonly model: string;
}

const WARMUP_S = 120;
const SAMPLE_MS = 2000;
const WINDOW_S = 60;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const TARGET_GROWTH_MB = 2;

interface Sample {
  /** Seconds since the agent logged "agent started". */
  readonly t: number;
  readonly value: number;
}

export async function benchMemory(report: Report, o: MemoryBenchOptions): Promise<void> {
  if (!Number.isFinite(o.minutes) || o.minutes <= 0) throw new Error(`memory: minutes must be a positive number, got ${o.minutes}`);
  const section = 'memory';
  const soakS = o.minutes * 60;
  const endS = WARMUP_S + soakS;
  const entry = agentEntry();
  const work = mkdtempSync(join(tmpdir(), 'lookout-bench-memory-'));

  let t0: number | undefined;
  const since = (at: number): number => (at - (t0 ?? at)) / 1000;
  const rss: Sample[] = [];
  const heap: Sample[] = [];
  let processedAfterWarmup = 0;
  let processedInWarmup = 0;
  const detectFps: number[] = [];
  const cameraFps: number[] = [];
  let badStats: string | undefined;

  const onPublish = (m: PublishedMessage): void => {
    const topic = parseTopic(m.topic);
    if (topic?.kind !== 'device' || topic.channel !== 'stats' || t0 === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(m.payload.toString('utf8'));
    } catch (e) {
      badStats = `${m.topic}: not JSON (${String(e)})`;
      return;
    }
    const parsed = statsSchema.safeParse(body);
    if (!parsed.success) {
      badStats = `${m.topic}: ${parsed.error.message}`;
      return;
    }
    const t = since(performance.now());
    heap.push({ t, value: parsed.data.memory.heapMb });
    if (t <= WARMUP_S) processedInWarmup += parsed.data.frames.processed;
    else if (t <= endS) processedAfterWarmup += parsed.data.frames.processed;
  };
  const onLine = (line: StampedLine): void => {
    const log = parseLogLine(line.text);
    if (log?.msg !== 'running' || t0 === undefined || since(line.at) <= WARMUP_S) return;
    if (typeof log['detectFps'] === 'number') detectFps.push(log['detectFps']);
    if (typeof log['cameraFps'] === 'number') cameraFps.push(log['cameraFps']);
  };

  const broker = new EmbeddedBroker({ onPublish });
  await broker.start();
  const defaults = parseConfig({});
  const config: ConfigInput = {
    ...demoConfig,
    // The agent's own default rate, not the demo's gentler one.
    camera: { ...demoConfig.camera, source: 'synthetic', fps: defaults.camera.fps },
    detector: { ...demoConfig.detector, model: o.model },
    log: { level: 'info', format: 'json' },
    stateDir: work,
    mqtt: { url: broker.url },
  };
  const configFile = writeAgentConfig(work, 'agent.yaml', config);
  const agent = spawnWatched([...entry.args, 'run', '--config', configFile], { onLine });
  let sampler: NodeJS.Timeout | undefined;
  let hwm: number | undefined;
  try {
    const started = await agent.waitForLine((l) => parseLogLine(l.text)?.msg === 'agent started', START_TIMEOUT_MS, '"agent started" line');
    t0 = started.at;
    const sample = (): void => {
      const m = readProcMemory(agent.pid);
      if (m === undefined) return;
      rss.push({ t: since(performance.now()), value: m.rssMb });
      hwm = m.hwmMb;
    };
    sample();
    sampler = setInterval(sample, SAMPLE_MS);
    process.stdout.write(`memory: agent pid ${agent.pid} (${entry.label}) runs ${WARMUP_S} s of warm-up + ${fmt(o.minutes, 1)} min\n`);
    const early = agent.exited.then((e) => {
      throw new Error(`memory: the agent exited early (code ${e.code}, signal ${e.signal ?? 'none'})\n${agent.stderrTail()}`);
    });
    early.catch(() => undefined);
    const soak = new AbortController();
    try {
      await Promise.race([sleep(endS * 1000 + 500, undefined, { signal: soak.signal }), early]);
    } finally {
      soak.abort();
    }
    clearInterval(sampler);
    sample();
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    await agent.stop(STOP_GRACE_MS);
    await broker.stop();
  }
  const exit = await agent.exited;
  if (exit.code !== 0) throw new Error(`memory: the agent exited with code ${exit.code} (signal ${exit.signal ?? 'none'}) on SIGTERM\n${agent.stderrTail()}`);
  if (badStats !== undefined) throw new Error(`memory: the agent published a stats message that does not parse: ${badStats}`);

  const warmRss = windowOf(rss, WARMUP_S);
  const endRss = windowOf(rss, endS);
  const growth = summarize(endRss).median - summarize(warmRss).median;
  const mins = fmt(o.minutes, o.minutes < 1 ? 1 : 0);
  report.add({ section, name: `RSS after warm-up (${WARMUP_S} s)`, unit: 'MB', summary: summarize(warmRss), note: `${entry.label} run, embedded default, camera ${defaults.camera.fps} fps; ${processedInWarmup} frames processed in the warm-up; samples of the last ${WINDOW_S} s, every ${SAMPLE_MS / 1000} s` });
  report.add({ section, name: `RSS after ${mins} min more`, unit: 'MB', summary: summarize(endRss), note: `${processedAfterWarmup} frames processed after the warm-up; samples of the last ${WINDOW_S} s` });
  report.add({ section, name: `RSS growth over ${mins} min`, unit: 'MB', summary: summarize([growth]), note: 'median of the end window − median of the warm-up window' });
  report.add({ section, name: 'RSS trend after warm-up (least squares)', unit: 'MB/h', summary: summarize([slopePerHour(rss.filter((s) => s.t >= WARMUP_S))]), note: `${rss.length} samples in all` });
  report.add({ section, name: 'JS heap used after warm-up', unit: 'MB', summary: summarize(windowOf(heap, WARMUP_S)), note: `the agent's own stats messages (memory.heapMb), every ${defaults.telemetry.statsIntervalS} s` });
  report.add({ section, name: `JS heap used after ${mins} min more`, unit: 'MB', summary: summarize(windowOf(heap, endS)) });
  report.add({ section, name: 'JS heap trend after warm-up (least squares)', unit: 'MB/h', summary: summarize([slopePerHour(heap.filter((s) => s.t >= WARMUP_S))]), note: 'the heap rises and falls with each GC; the trend is what a leak moves' });
  report.add({ section, name: 'peak RSS (VmHWM)', unit: 'MB', summary: summarize(hwm === undefined ? [] : [hwm]), note: 'start-up included' });
  report.add({ section, name: 'detect fps during the soak', unit: 'fps', summary: summarize(detectFps), note: `camera ${fmt(summarize(cameraFps).median, 1)} fps (the agent's 5 s summary lines)` });
  report.ratio({ section, name: `RSS growth over ${mins} min (MB)`, value: growth, target: `≤ ${TARGET_GROWTH_MB}`, met: growth <= TARGET_GROWTH_MB });
}

/** The values of the samples in the WINDOW_S seconds that end at `endS`. */
function windowOf(samples: readonly Sample[], endS: number): number[] {
  return samples.filter((s) => s.t > endS - WINDOW_S && s.t <= endS + SAMPLE_MS / 1000).map((s) => s.value);
}

/** Least-squares slope of value over time, per hour; NaN with fewer than two samples. */
function slopePerHour(samples: readonly Sample[]): number {
  if (samples.length < 2) return Number.NaN;
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mv = samples.reduce((a, s) => a + s.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.value - mv);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? Number.NaN : (num / den) * 3600;
}
