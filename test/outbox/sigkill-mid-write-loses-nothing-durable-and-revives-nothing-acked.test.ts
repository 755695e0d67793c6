import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { childRecord, drainAll, openOutbox, tempDir } from './support/helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const child = new URL('./support/outbox-child.ts', import.meta.url).pathname;
const ROUNDS = 6;

/** Runs the child until it has reported `minFlushes` flushes, waits `extraMs`, SIGKILLs it; returns its complete lines. */
function runAndKill(dir: string, minFlushes: number, extraMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let flushes = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the child reported ${flushes} flushes in 30 s; stderr: ${err}`));
    }, 30_000);
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      flushes = out.split('\n').filter((l) => l.startsWith('durable')).length;
      if (flushes >= minFlushes && killTimer === undefined) killTimer = setTimeout(() => proc.kill('SIGKILL'), extraMs);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') {
        reject(new Error(`the child exited ${code} ${signal}; stderr: ${err}`));
        return;
      }
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill is not a report
      resolve(lines);
    });
  });
}

test('SIGKILL at random moments: every record reported durable survives intact, nothing acknowledged comes back', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const tags = new Map<number, number>(); // id -> tag, for every record reported durable
  const acked = new Set<number>();
  const acking = new Set<number>(); // acknowledged, but killed before the flush that makes it durable resolved
  let checked = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const extraMs = Math.floor(Math.random() * 150);
    const lines = await runAndKill(dir, 1 + Math.floor(Math.random() * 20), extraMs);
    for (const line of lines) {
      const [kind, ...fields] = line.split(' ').filter((f) => f !== '');
      if (kind === 'durable') {
        for (const f of fields) {
          const [id, tag] = f.split(':').map(Number);
          assert.ok(id !== undefined && tag !== undefined);
          assert.ok(!tags.has(id), `id ${id} handed out twice`);
          tags.set(id, tag);
        }
      } else if (kind === 'acking') {
        for (const f of fields) acking.add(Number(f));
      } else if (kind === 'acked') {
        for (const f of fields) acked.add(Number(f));
      }
    }

    const outbox = await openOutbox(dir);
    const context = `round ${round}, killed ${extraMs} ms after a flush report`;
    assert.deepEqual(outbox.lastRecovery?.movedAside, [], context);
    assert.equal(outbox.stats.corruptRecordsSkipped, 0, `a kill only tears the tail (${context})`);
    const present = new Map(drainAll(outbox).map((r) => [r.id, r]));
    for (const id of acked) assert.ok(!present.has(id), `acknowledged record ${id} came back (${context})`);
    for (const [id, tag] of tags) {
      if (acked.has(id)) continue;
      const r = present.get(id);
      if (r === undefined && acking.has(id)) continue;
      assert.ok(r !== undefined, `durable record ${id} is missing (${context})`);
      const expected = childRecord(tag);
      assert.equal(r.priority, expected.priority);
      assert.equal(r.topic, expected.topic);
      assert.deepEqual(r.payload, expected.payload, `record ${id} payload (${context})`);
      checked++;
    }
    await outbox.close();
  }
  assert.ok(acked.size > 0 && checked > 0, 'the rounds both acknowledged records and left some to check');
  assert.ok(readdirSync(dir).every((n) => !n.endsWith('.corrupt')));
});
