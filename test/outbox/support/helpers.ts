import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/agent/clock.ts';
import { nodeOutboxFs, type OutboxFs } from '../../../src/agent/telemetry/outbox/fs-port.ts';
import { Outbox, type OutboxDeps } from '../../../src/agent/telemetry/outbox/outbox.ts';
import { PRIORITIES, type OutboxInit, type OutboxRecord, type OutboxTimers, type Priority } from '../../../src/agent/telemetry/outbox/types.ts';
import { silentLogger } from '../../../src/log.ts';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-outbox-'));
  made.push(dir);
  return dir;
}

/** A clock the test moves by hand. */
export function manualClock(startWallMs = 1_750_000_000_000): Clock & { advance(ms: number): void } {
  let mono = 0;
  return {
    monoMs: () => mono,
    wallMs: () => startWallMs + mono,
    advance(ms) {
      mono += ms;
    },
  };
}

/** An outbox on `dir` that never flushes by timer unless `flushMs` says so. */
export async function openOutbox(dir: string, options: Partial<OutboxInit> = {}, deps: Partial<OutboxDeps> = {}): Promise<Outbox> {
  const outbox = new Outbox({ dir, flushMs: 3_600_000, ...options }, { clock: manualClock(), logger: silentLogger, ...deps });
  await outbox.open();
  return outbox;
}

/** Payload bytes derived from the id and a tag, so a test can tell a record's bytes came back intact. */
export function payloadFor(tag: number, length = 24): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (tag * 131 + i * 7) & 0xff;
  return out;
}

export function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();
}

/** Drains every sendable record without acknowledging it. */
export function drainAll(outbox: Outbox): OutboxRecord[] {
  const all: OutboxRecord[] = [];
  for (let batch = outbox.next(1000); batch.length > 0; batch = outbox.next(1000)) all.push(...batch);
  return all;
}

export function priorityOf(n: number): Priority {
  return PRIORITIES[n % PRIORITIES.length]!;
}

export interface FsCounts {
  writes: number;
  datasyncs: number;
  dirSyncs: number;
  creates: number;
}

/** The real fs, counting the calls that reach the disk. */
export function countingFs(base: OutboxFs = nodeOutboxFs): { fs: OutboxFs; counts: FsCounts } {
  const counts: FsCounts = { writes: 0, datasyncs: 0, dirSyncs: 0, creates: 0 };
  const fs: OutboxFs = {
    ...base,
    async create(path) {
      counts.creates++;
      const file = await base.create(path);
      return {
        write: (data, offset, length) => {
          counts.writes++;
          return file.write(data, offset, length);
        },
        datasync: () => {
          counts.datasyncs++;
          return file.datasync();
        },
        truncate: (length) => file.truncate(length),
        close: () => file.close(),
      };
    },
    syncDir: (dir) => {
      counts.dirSyncs++;
      return base.syncDir(dir);
    },
  };
  return { fs, counts };
}

/** What the SIGKILL child enqueues for a tag: small events and stats, samples up to 64 KiB (long writes). */
export function childRecord(tag: number): { priority: Priority; topic: string; payload: Uint8Array } {
  const priority = priorityOf(tag);
  const length = priority === 'sample' ? 1 + (tag % 65_536) : 1 + (tag % 700);
  return { priority, topic: `lookout/v1/dev/kill/${tag}`, payload: payloadFor(tag, length) };
}

/** Timers the test fires by hand; `armed` lists the pending ones with their delays. */
export function manualTimers(): OutboxTimers & { armed: { ms: number; fire: () => void }[]; fireAll(): void } {
  const armed: { ms: number; fire: () => void; handle: object }[] = [];
  return {
    armed,
    setTimeout(callback, ms) {
      const handle = {};
      const entry = {
        ms,
        handle,
        fire: () => {
          armed.splice(armed.indexOf(entry), 1);
          callback();
        },
      };
      armed.push(entry);
      return handle;
    },
    clearTimeout(handle) {
      const i = armed.findIndex((t) => t.handle === handle);
      if (i >= 0) armed.splice(i, 1);
    },
    fireAll() {
      for (const t of [...armed]) t.fire();
    },
  };
}

/** Resolves on the outbox's next 'ready'. */
export function nextReady(outbox: Outbox): Promise<void> {
  return new Promise((resolve) => {
    const off = outbox.on('ready', () => {
      off();
      resolve();
    });
  });
}
