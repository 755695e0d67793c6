/**
 * Cloud ingest throughput: stats messages per second from a real mosquitto into SQLite, through one replica
 * and through two replicas sharing one MQTT 5 shared subscription, each replica its own process.
 *
 * Only the intake is timed: the replicas subscribe (persistent sessions), disconnect, the messages are
 * published and queued by the broker for the share group, then the replicas reconnect together and the clock
 * runs until the last row is in the database. Publishing is not part of the figure, so on a small machine the
 * publisher does not steal the replicas' cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { connect } from 'mqtt';
import { createPgPool } from '../../src/cloud/store/pg-driver.ts';
import { loadBetterSqlite3 } from '../../src/cloud/store/sqlite-driver.ts';
import { deviceTopic, type StatsPayload } from '../../src/protocol/index.ts';
import { Mosquitto } from '../../test/support/mosquitto.ts';
import { Postgres } from '../../test/support/postgres.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

const root = new URL('../../', import.meta.url).pathname;
const DEVICES = 1000;

function statsMessage(deviceId: string, ts: number): StatsPayload {
  const p = { p50: 8.1, p95: 11.9, p99: 14.2, count: 100 };
  return {
    v: 1, deviceId, ts, intervalS: 10, fps: 9.8, frames: { captured: 100, processed: 98, dropped: 2 },
    inferenceMs: p, glassToGpioMs: { ...p, p95: 12.4 }, cpuTempC: 55.5, throttled: 0, memory: { rssMb: 120.5, heapMb: 40.2 },
    outbox: { depth: 0, bytes: 0, dropped: 0 }, provider: 'cpu', model: { name: 'lookout-int8', version: 3 },
    classes: {
      person: { count: 40, meanScore: 0.71, hist: [0, 0, 0, 1, 3, 6, 10, 12, 8, 0] },
      car: { count: 12, meanScore: 0.66, hist: [0, 0, 0, 0, 2, 3, 4, 3, 0, 0] },
    },
  };
}

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks (proc(5)). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command name start at field 3, so utime (14) is index 11 and stime (15) index 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Drain {
  readonly perSecond: number;
  /** Replica CPU time per message, all replicas together (µs). */
  readonly replicaUs: number;
  readonly brokerUs: number;
}

class Replica {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  get pid(): number | undefined {
    return this.child.pid;
  }

  constructor(private readonly child: ChildProcess) {
    if (child.stdout === null) throw new Error('replica without stdout');
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => { this.waiting.shift()?.(line); });
  }

  static spawn(url: string, db: string, clientId: string, shareGroup: string): Replica {
    return new Replica(spawn(process.execPath, [...(process.env.LOOKOUT_BENCH_REPLICA_PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.LOOKOUT_BENCH_REPLICA_PROFILE}`]), '--import', 'tsx', join(root, 'scripts/bench/ingest-replica.ts'), url, db, clientId, shareGroup], {
      cwd: root, stdio: ['pipe', 'pipe', 'inherit'],
    }));
  }

  send(command: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => { if (line === `ok ${command}`) resolve(); else reject(new Error(`replica said ${line}`)); });
      this.child.stdin?.write(`${command}\n`);
    });
  }

  /** Rows this replica has written since its last start. */
  stored(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const match = /^ok stored (\d+)$/.exec(line);
        if (match) resolve(Number(match[1])); else reject(new Error(`replica said ${line}`));
      });
      this.child.stdin?.write('stored\n');
    });
  }

  async exit(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.write('exit\n');
    await exited;
  }
}

async function publishAll(url: string, messages: number, t0: number): Promise<void> {
  const client = connect(url, { protocolVersion: 5, clientId: 'bench-publisher' });
  await new Promise<void>((resolve) => client.once('connect', () => { resolve(); }));
  const window = 2000;
  let sent = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (sent < messages && sent - acked < window) {
        const i = sent++;
        const device = `dev-${i % DEVICES}`;
        client.publish(deviceTopic(device, 'stats'), JSON.stringify(statsMessage(device, t0 + Math.floor(i / DEVICES) * 10_000)), { qos: 1 }, (e) => {
          if (e) { reject(e); return; }
          acked++;
          if (acked === messages) resolve(); else pump();
        });
      }
    };
    pump();
  });
  await client.endAsync();
}

/** Where a drain writes: a fresh SQLite file or a fresh PostgreSQL database each time. */
type Target = { readonly kind: 'sqlite'; readonly work: string } | { readonly kind: 'postgres'; readonly pg: Postgres };

async function freshDb(target: Target, name: string): Promise<string> {
  return target.kind === 'sqlite' ? join(target.work, `${name}.db`) : target.pg.createDatabase(name);
}

async function countRows(target: Target, db: string): Promise<number> {
  if (target.kind === 'sqlite') {
    const Database = loadBetterSqlite3();
    const check = new Database(db);
    const { n } = check.prepare('SELECT COUNT(*) AS n FROM stats').get() as { n: number };
    check.close();
    return n;
  }
  const pool = createPgPool(db, 1, () => undefined);
  const result = await pool.query('SELECT COUNT(*) AS n FROM stats');
  await pool.end();
  return Number((result.rows[0] as { n: string } | undefined)?.n);
}

/** One timed drain. */
async function drain(broker: Mosquitto, target: Target, replicas: number, messages: number, run: number): Promise<Drain> {
  const db = await freshDb(target, `ingest_${target.kind}_${replicas}_${run}`);
  const group = `bench${target.kind}${replicas}r${run}`;
  const procs = Array.from({ length: replicas }, (_, i) => Replica.spawn(broker.url, db, `bench-${group}-${i}`, group));
  // Subscribe (the sessions are created), then leave: the broker queues the share group's messages.
  await Promise.all(procs.map(async (p) => { await p.send('start'); await p.send('stop'); }));
  await publishAll(broker.url, messages, Date.UTC(2026, 0, 1) + run * 1e9);
  const cpu0 = procs.map((p) => cpuSeconds(p.pid));
  const broker0 = cpuSeconds(broker.pid);
  const started = performance.now();
  await Promise.all(procs.map((p) => p.send('start')));
  // Asking the replicas is cheap for them; counting rows in the database would cost a core its share.
  for (;;) {
    const n = (await Promise.all(procs.map((p) => p.stored()))).reduce((a, b) => a + b, 0);
    if (n >= messages) break;
    if (performance.now() - started > 120_000) throw new Error(`ingest stalled at ${n} of ${messages}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  const replicaCpu = procs.reduce((sum, p, i) => sum + cpuSeconds(p.pid) - (cpu0[i] ?? 0), 0);
  const brokerCpu = cpuSeconds(broker.pid) - broker0;
  const rows = await countRows(target, db);
  if (rows !== messages) throw new Error(`${rows} rows in the database for ${messages} messages`);
  await Promise.all(procs.map((p) => p.exit()));
  return { perSecond: messages / seconds, replicaUs: (replicaCpu / messages) * 1e6, brokerUs: (brokerCpu / messages) * 1e6 };
}

async function compare(report: Report, broker: Mosquitto, target: Target, options: { messages: number; rounds: number }): Promise<void> {
  const section = 'cloud ingest';
  const store = target.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const one: Drain[] = [];
  const two: Drain[] = [];
  // Alternated, so both see the same machine.
  for (let run = 0; run < options.rounds; run++) {
    one.push(await drain(broker, target, 1, options.messages, run));
    two.push(await drain(broker, target, 2, options.messages, run));
  }
  const s1 = summarize(one.map((d) => d.perSecond));
  const s2 = summarize(two.map((d) => d.perSecond));
  const c1 = summarize(one.map((d) => d.replicaUs));
  const c2 = summarize(two.map((d) => d.replicaUs));
  const note = `${options.messages} stats messages (${DEVICES} devices, 600 B each) queued in mosquitto, drained into ${store}`;
  report.add({ section, name: `${store}: stats messages/s, 1 replica`, unit: 'msg/s', summary: s1, note });
  report.add({ section, name: `${store}: stats messages/s, 2 replicas`, unit: 'msg/s', summary: s2, note: 'two processes, one share group' });
  report.add({ section, name: `${store}: replica CPU per message, 1 replica`, unit: 'µs', summary: c1, note: 'user + system time of the replica process' });
  report.add({ section, name: `${store}: replica CPU per message, 2 replicas`, unit: 'µs', summary: c2, note: 'both replica processes together' });
  report.add({ section, name: `${store}: broker CPU per message`, unit: 'µs', summary: summarize([...one, ...two].map((d) => d.brokerUs)), note: 'mosquitto, sending and taking PUBACKs' });
  if (target.kind === 'sqlite') {
    report.ratio({ section, name: 'SQLite: 1 replica msg/s against 20,000', value: s1.median / 20_000, target: '≥ 1', met: s1.median >= 20_000 });
  }
  report.ratio({ section, name: `${store}: 2 replicas ÷ 1 replica`, value: s2.median / s1.median, target: '≥ 1.7', met: s2.median / s1.median >= 1.7 });
  // What a second replica costs per message: 1.0 means the replicas add no work for each other (no lock
  // waits, no duplicate deliveries), so throughput grows with the cores they are given.
  report.ratio({ section, name: `${store}: CPU per message, 1 replica ÷ 2 replicas`, value: c1.median / c2.median, target: '≥ 0.9', met: c1.median / c2.median >= 0.9 });
}

export async function benchIngest(report: Report, options: { messages: number; rounds: number; postgres: boolean }): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lookout-bench-ingest-'));
  const broker = await Mosquitto.start({ extra: ['max_inflight_messages 100'] });
  try {
    await compare(report, broker, { kind: 'sqlite', work }, options);
    if (options.postgres) {
      const server = await Postgres.start();
      try {
        await compare(report, broker, { kind: 'postgres', pg: server }, options);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await broker.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
