/**
 * Dashboard API latency with a fleet of 1,000 devices in SQLite: the fleet table (all devices at once), one
 * device's chart series over an hour of stats, and the event list, each requested over one keep-alive
 * connection, as the page does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboard } from '../../src/cloud/dashboard/index.ts';
import type { LiveFeed } from '../../src/cloud/live/live-feed.ts';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';
import type { StatsRow } from '../../src/cloud/store/store.ts';
import type { StatsPayload, StatusPayload } from '../../src/protocol/index.ts';
import type { Report } from './report.ts';
import { summarize, type Summary } from './stats.ts';

const TOKEN = 'bench-token-0123456789abcdef';
const noFeed: LiveFeed = { watchDevice: () => () => undefined };

function status(deviceId: string, ts: number): StatusPayload {
  return { v: 1, deviceId, state: 'online', ts, group: `site-${deviceId.length % 7}`, agentVersion: '0.1.0', model: { name: 'lookout-int8', version: 3 }, provider: 'cpu' };
}

function stats(deviceId: string, ts: number, i: number): StatsPayload {
  const p = { p50: 8 + (i % 5), p95: 12 + (i % 7), p99: 15, count: 100 };
  return {
    v: 1, deviceId, ts, intervalS: 10, fps: 9 + (i % 3) / 2, frames: { captured: 100, processed: 98, dropped: 2 },
    inferenceMs: p, glassToGpioMs: { ...p, p95: 13 }, cpuTempC: 52, throttled: 0, memory: { rssMb: 120, heapMb: 40 },
    outbox: { depth: 0, bytes: 0, dropped: 0 }, provider: 'cpu', model: { name: 'lookout-int8', version: 3 },
    classes: { person: { count: 10, meanScore: 0.7, hist: [0, 0, 0, 0, 1, 2, 3, 3, 1, 0] } },
  };
}

interface Timed {
  readonly summary: Summary;
  readonly p95: number;
}

async function timeRequests(url: string, n: number): Promise<Timed> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await response.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { summary: summarize(samples), p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? Number.NaN };
}

export async function benchDashboard(report: Report, options: { devices: number; statsPerDevice: number; requests: number }): Promise<void> {
  const section = 'dashboard';
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-dashboard-'));
  const store = new SqliteStore({ path: join(dir, 'cloud.db'), blobs: new FsBlobStore(join(dir, 'blobs')) });
  await store.open();
  const now = Date.now();
  const from = now - options.statsPerDevice * 10_000;
  try {
    for (let d = 0; d < options.devices; d++) await store.upsertStatus(status(`dev-${d}`, from), from);
    for (let i = 0; i < options.statsPerDevice; i++) {
      const rows: StatsRow[] = [];
      for (let d = 0; d < options.devices; d++) rows.push({ stats: stats(`dev-${d}`, from + i * 10_000, i), receivedAt: from + i * 10_000 });
      await store.insertStatsBatch(rows);
    }
    for (let e = 0; e < 2000; e++) {
      await store.insertEvent({ v: 1, deviceId: `dev-${e % options.devices}`, id: `e${e}`, ts: from + e * 1000, kind: 'fired', priority: 'alarm', rule: 'gate', detections: [{ label: 'person', score: 0.9, box: [1, 2, 3, 4] }] }, from + e * 1000);
    }
    const dashboard = createDashboard({ store, live: noFeed, token: TOKEN, staleAfterMs: 10 * 60_000 });
    const base = await dashboard.listen(0, '127.0.0.1');
    try {
      const rowsNote = `${options.devices} devices, ${options.devices * options.statsPerDevice} stats rows, 2000 events; SQLite`;
      // Warm the statement cache and the page cache first, as a running service would have.
      await timeRequests(`${base}/api/v1/fleet?limit=1000`, 5);
      const fleet = await timeRequests(`${base}/api/v1/fleet?limit=1000`, options.requests);
      const series = await timeRequests(`${base}/api/v1/devices/dev-500/series?from=${from}&to=${now}&points=300`, options.requests);
      const events = await timeRequests(`${base}/api/v1/events?limit=50`, options.requests);
      const p95 = (t: Timed): string => `p95 ${t.p95.toFixed(1)} ms`;
      report.add({ section, name: 'GET /api/v1/fleet (1,000 devices)', unit: 'ms', summary: fleet.summary, note: `${p95(fleet)}; ${rowsNote}` });
      report.add({ section, name: 'GET /api/v1/devices/:id/series (300 points)', unit: 'ms', summary: series.summary, note: `${p95(series)}; ${options.statsPerDevice} stats rows of the device bucketed` });
      report.add({ section, name: 'GET /api/v1/events (50)', unit: 'ms', summary: events.summary, note: p95(events) });
      report.ratio({ section, name: 'fleet table p95 against 100 ms', value: fleet.p95 / 100, target: '≤ 1', met: fleet.p95 <= 100 });
    } finally {
      await dashboard.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
