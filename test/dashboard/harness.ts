/**
 * What the dashboard tests share: a real SqliteStore over a temp folder, payload builders, a dashboard on a free
 * loopback port, and a small server-sent-events reader over fetch. Everything is released when the test ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import sharp from 'sharp';
import { createDashboard, type Dashboard, type DashboardDeps } from '../../src/cloud/dashboard/index.ts';
import type { LiveFeed } from '../../src/cloud/live/live-feed.ts';
import { retrainRoutes } from '../../src/cloud/retrain/routes.ts';
import { FsBlobStore } from '../../src/cloud/store/fs-blob-store.ts';
import { SqliteStore } from '../../src/cloud/store/sqlite-store.ts';
import type { SampleMeta } from '../../src/cloud/store/store.ts';
import { silentLogger } from '../../src/log.ts';
import type { EventPayload, StatsPayload, StatusPayload, UpdatePayload } from '../../src/protocol/index.ts';

export const TOKEN = 'correct-horse-battery-staple';
export const T0 = Date.UTC(2026, 0, 1, 12);

export async function makeStore(t: TestContext): Promise<SqliteStore> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-dashboard-'));
  const store = new SqliteStore({ path: join(dir, 'store.db'), blobs: new FsBlobStore(join(dir, 'blobs')) });
  await store.open();
  t.after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

export function status(deviceId: string, ts: number, extra: Partial<StatusPayload> = {}): StatusPayload {
  return { v: 1, deviceId, state: 'online', ts, group: 'yard', agentVersion: '0.1.0', model: { name: 'det', version: 3 }, provider: 'cpu', ...extra };
}

export function stats(deviceId: string, ts: number, extra: Partial<StatsPayload> = {}): StatsPayload {
  const p = { p50: 10, p95: 20, p99: 30, count: 5 };
  return {
    v: 1, deviceId, ts, intervalS: 10, fps: 10, frames: { captured: 100, processed: 99, dropped: 1 },
    inferenceMs: p, glassToGpioMs: { ...p, p95: 40 }, cpuTempC: 50, throttled: 0, memory: { rssMb: 100, heapMb: 50 },
    outbox: { depth: 2, bytes: 100, dropped: 0 }, provider: 'cpu', model: { name: 'det', version: 3 }, classes: {}, ...extra,
  };
}

export function event(deviceId: string, id: string, ts: number, extra: Partial<EventPayload> = {}): EventPayload {
  return {
    v: 1, deviceId, id, ts, kind: 'fired', priority: 'alarm', rule: 'person-at-gate',
    detections: [{ label: 'person', score: 0.91, box: [10, 20, 30, 40] }], glassToGpioMs: 42, ...extra,
  };
}

export function update(deviceId: string, ts: number, extra: Partial<UpdatePayload> = {}): UpdatePayload {
  return { v: 1, deviceId, ts, name: 'det', version: 4, state: 'committed', ...extra };
}

export function sampleMeta(deviceId: string, id: string, ts: number): SampleMeta {
  return { v: 1, deviceId, id, ts, reason: 'rule', width: 64, height: 48, predictions: [], model: { name: 'det', version: 3 } };
}

/** A real JPEG (sharp), so a browser can decode it. */
export async function jpeg(width = 64, height = 48): Promise<Uint8Array> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();
  return new Uint8Array(bytes);
}

/** For tests that do not exercise the live device stream: a feed on which nothing is ever published. */
export const quietFeed: LiveFeed = { watchDevice: () => () => undefined };

export interface Running {
  readonly dashboard: Dashboard;
  readonly url: string;
}

/**
 * A dashboard as the cloud service composes it (src/cloud/service.ts): the closed loop's routes are always
 * there, here with retraining off and no publisher unless `deps.routes` says otherwise.
 */
export async function startDashboard(t: TestContext, deps: Partial<DashboardDeps> & Pick<DashboardDeps, 'store'>): Promise<Running> {
  const routes = retrainRoutes({ store: deps.store, logger: silentLogger, retrain: () => undefined, publisher: () => undefined });
  const dashboard = createDashboard({ live: quietFeed, token: TOKEN, staleAfterMs: 30_000, routes, ...deps });
  const url = await dashboard.listen(0, '127.0.0.1');
  t.after(() => dashboard.close());
  return { dashboard, url };
}

export const bearer = { Authorization: `Bearer ${TOKEN}` };

export async function getJson(url: string, headers: Record<string, string> = bearer): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) as unknown, headers: res.headers };
}

export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/** A server-sent-events client over fetch: `next()` waits for the next message, `close()` disconnects. */
export class SseClient {
  private readonly queue: SseMessage[] = [];
  private readonly waiters: ((m: SseMessage) => void)[] = [];
  /** Comment lines seen (`: ping`). */
  readonly comments: string[] = [];
  private ended = false;

  private constructor(private readonly abort: AbortController, readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = bearer): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const client = new SseClient(abort, response);
    if (response.body !== null) void client.pump(response.body);
    return client;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close(), or the server ended the stream.
    }
    this.ended = true;
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const message = { event, data: data.join('\n') };
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.queue.push(message);
    else waiter(message);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  next(timeoutMs = 5000): Promise<SseMessage> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(done), 1);
        reject(new Error(`no server-sent event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: SseMessage): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(done);
    });
  }

  /** Messages already received and not yet taken. */
  pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.abort.abort();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
