/**
 * The embedded store: one SQLite file, WAL so the dashboard reads while the ingest writes, synchronous=NORMAL
 * (durable at checkpoints; a power cut loses at most the last commits, never consistency: sqlite.org/wal.html).
 * better-sqlite3 is synchronous; the methods resolve at once.
 */
/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; `async` turns a throw into the
   rejection the Store contract promises. */
import type { EventPayload, StatePayload, StatsPayload, StatusPayload, UpdatePayload } from '../../protocol/index.ts';
import type { BlobStore } from './blob-store.ts';
import { classConfidenceColumns, toClassConfidence } from './class-confidence-sql.ts';
import {
  decodeJsonText, toDeviceDetail, toDeviceSummary, toJob, toModel, toPoint, toStatsSummary, toStoredEvent, toStoredSample, type Row,
} from './rows.ts';
import { SQLITE_MIGRATIONS, type Migration } from './schema.ts';
import {
  bucketWidth, deviceStatsUpsertSql, deviceStatsValues, newestPerDevice, SQLITE, stateUpsertSql, stateValues,
  statsInsertSql, statsValues, statusUpsertSql, statusValues, updateUpsertSql, updateValues,
} from './sql.ts';
import { loadBetterSqlite3, type SqliteDatabase, type SqliteStatement } from './sqlite-driver.ts';
import type {
  ClassConfidence, ClassConfidenceOptions, DeviceDetail, DeviceSummary, FirstStatsOptions, JobLogLine, JobPatch, JobRecord,
  LabelBox, ListDevicesOptions, ListEventsOptions, ListSamplesOptions, LivenessOptions, ModelRecord, NewJob,
  RetentionOptions, RetentionResult, SampleMeta, SeriesOptions, SeriesPoint, StatsRow, StatsSummary, Store, StoredEvent,
  StoredSample,
} from './store.ts';
import { duplicateJob, input, jobPatchColumns } from './store-input.ts';

export interface SqliteStoreDeps {
  /** The database file (`:memory:` for a throw-away store). */
  readonly path: string;
  readonly blobs: BlobStore;
  readonly migrations?: readonly Migration[];
  /** How long a writer waits for another process's lock. */
  readonly busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  private db: SqliteDatabase | undefined;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(private readonly deps: SqliteStoreDeps) {}

  private get open_(): SqliteDatabase {
    if (this.db === undefined) throw new Error('SqliteStore used before open()');
    return this.db;
  }

  /** Prepared once per SQL text. */
  private st(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.open_.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.st(sql).all(...params) as Row[];
  }

  async open(): Promise<void> {
    if (this.db !== undefined) return;
    const Database = loadBetterSqlite3();
    const db = new Database(this.deps.path, { timeout: this.deps.busyTimeoutMs ?? 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      // BEGIN IMMEDIATE takes the write lock first, so two processes opening one file migrate one after the other.
      const migrate = db.transaction((m: Migration) => {
        if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version) !== undefined) return;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }) as unknown as { immediate: (m: Migration) => void };
      for (const m of this.deps.migrations ?? SQLITE_MIGRATIONS) migrate.immediate(m);
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
    return;
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
    return;
  }

  /** Applied migration versions, oldest first. */
  async migrationVersions(): Promise<number[]> {
    return this.all('SELECT version FROM schema_migrations ORDER BY version').map((r) => Number(r['version']));
  }

  async upsertStatus(status: StatusPayload, receivedAt: number): Promise<void> {
    const s = input.status(status, receivedAt);
    this.st(statusUpsertSql(SQLITE)).run(...statusValues(s, receivedAt));
    return;
  }

  async upsertState(state: StatePayload): Promise<void> {
    this.st(stateUpsertSql(SQLITE)).run(...stateValues(input.state(state)));
    return;
  }

  async listDevices(options: ListDevicesOptions): Promise<DeviceSummary[]> {
    const rows = options.group === undefined
      ? this.all('SELECT * FROM devices ORDER BY device_id LIMIT ? OFFSET ?', options.limit, options.offset)
      : this.all('SELECT * FROM devices WHERE group_name = ? ORDER BY device_id LIMIT ? OFFSET ?', options.group, options.limit, options.offset);
    return rows.map((r) => toDeviceSummary(r, options));
  }

  async upsertUpdate(update: UpdatePayload): Promise<void> {
    this.st(updateUpsertSql(SQLITE)).run(...updateValues(input.update(update)));
  }

  async getDevice(deviceId: string, options: LivenessOptions): Promise<DeviceDetail | undefined> {
    const row = this.all('SELECT * FROM devices WHERE device_id = ?', deviceId)[0];
    return row === undefined ? undefined : toDeviceDetail(row, options, decodeJsonText);
  }

  async insertStats(stats: StatsPayload, receivedAt: number): Promise<boolean> {
    return (await this.insertStatsBatch([{ stats, receivedAt }])) === 1;
  }

  private readonly statsTx = (rows: readonly StatsRow[]): number => {
    const insert = this.st(statsInsertSql(SQLITE, 1));
    let added = 0;
    for (const row of rows) added += insert.run(...statsValues(row.stats, row.receivedAt)).changes;
    const device = this.st(deviceStatsUpsertSql(SQLITE, 1));
    for (const row of newestPerDevice(rows)) device.run(...deviceStatsValues(row.stats, row.receivedAt));
    return added;
  };

  async insertStatsBatch(rows: readonly StatsRow[]): Promise<number> {
    const parsed = input.statsBatch(rows);
    if (parsed.length === 0) return 0;
    // IMMEDIATE: the write lock is taken (or waited for, busy timeout) before anything is read, so two
    // processes writing one database wait their turn instead of failing with SQLITE_BUSY_SNAPSHOT when a
    // deferred transaction's read snapshot goes stale (sqlite.org/lang_transaction.html, sqlite.org/wal.html).
    return this.open_.transaction(this.statsTx).immediate(parsed);
  }

  async statsSeries(deviceId: string, options: SeriesOptions): Promise<SeriesPoint[]> {
    const width = bucketWidth(options.from, options.to, options.maxPoints);
    const rows = this.all(
      `SELECT (ts - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS b, COUNT(*) AS n, AVG(fps) AS fps, AVG(inf_p95) AS inf, MAX(g2g_p95) AS g2g,
         AVG(cpu_temp_c) AS temp, MAX(outbox_depth) AS depth, SUM(dropped) AS dropped
       FROM stats WHERE device_id = ? AND ts >= ? AND ts < ? GROUP BY b ORDER BY b`,
      options.from, width, deviceId, options.from, options.to,
    );
    return rows.map((r) => toPoint(r, options.from, width));
  }

  async applyRetention(options: RetentionOptions): Promise<RetentionResult> {
    const stats = this.st('DELETE FROM stats WHERE received_at < ?').run(options.now - options.statsOlderThanMs).changes;
    const events = this.st('DELETE FROM events WHERE received_at < ?').run(options.now - options.eventsOlderThanMs).changes;
    return { stats, events };
  }

  async statsSummary(options: ClassConfidenceOptions): Promise<StatsSummary | undefined> {
    const group = options.group ?? null;
    const row = this.all(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT s.device_id) AS d, AVG(s.fps) AS fps, AVG(s.inf_p95) AS inf, AVG(s.g2g_p95) AS g2g
       FROM stats s WHERE s.ts >= ? AND s.ts < ? AND (? IS NULL OR s.model_name = ?) AND (? IS NULL OR s.model_version = ?)
         AND (? IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = ?))`,
      options.from, options.to, options.modelName ?? null, options.modelName ?? null, options.modelVersion ?? null, options.modelVersion ?? null, group, group,
    )[0];
    return toStatsSummary(row);
  }

  async firstStatsTs(options: FirstStatsOptions): Promise<number | undefined> {
    const group = options.group ?? null;
    const row = this.all(
      `SELECT MIN(s.ts) AS first FROM stats s WHERE s.model_name = ? AND s.model_version = ?
         AND (? IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = ?))`,
      options.modelName, options.modelVersion, group, group,
    )[0];
    return row?.['first'] === null || row?.['first'] === undefined ? undefined : Number(row['first']);
  }

  async classConfidence(options: ClassConfidenceOptions): Promise<ClassConfidence[]> {
    const rows = this.all(
      `SELECT j.key AS label, ${classConfidenceColumns('sqlite')}
       FROM stats s JOIN devices d ON d.device_id = s.device_id, json_each(s.classes) j
       WHERE s.ts >= ? AND s.ts < ? AND (? IS NULL OR d.group_name = ?) AND (? IS NULL OR s.model_name = ?)
         AND (? IS NULL OR s.model_version = ?)
       GROUP BY j.key`,
      options.from, options.to, options.group ?? null, options.group ?? null, options.modelName ?? null,
      options.modelName ?? null, options.modelVersion ?? null, options.modelVersion ?? null,
    );
    return toClassConfidence(rows);
  }

  async insertEvent(event: EventPayload, receivedAt: number): Promise<boolean> {
    const e = input.event(event, receivedAt);
    const { changes } = this.st(
      `INSERT INTO events (device_id, id, ts, received_at, kind, priority, rule, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id, id) DO NOTHING`,
    ).run(e.deviceId, e.id, e.ts, receivedAt, e.kind, e.priority, e.rule, JSON.stringify(e));
    return changes === 1;
  }

  async listEvents(options: ListEventsOptions): Promise<StoredEvent[]> {
    const rows = this.all(
      `SELECT payload, received_at FROM events WHERE (? IS NULL OR device_id = ?) AND (? IS NULL OR ts >= ?)
       ORDER BY ts DESC, device_id, id LIMIT ?`,
      options.deviceId ?? null, options.deviceId ?? null, options.since ?? null, options.since ?? null, options.limit,
    );
    return rows.map((r) => toStoredEvent(r, decodeJsonText));
  }

  async insertSample(meta: SampleMeta, jpeg: Uint8Array, receivedAt: number): Promise<boolean> {
    const { meta: m, key } = input.sample(meta, jpeg, receivedAt);
    // Blob first: a row never points at a missing blob. A duplicate rewrites the same bytes at the same key.
    await this.deps.blobs.put(key, jpeg);
    const { changes } = this.st(
      `INSERT INTO samples (device_id, id, ts, received_at, reason, model_name, model_version, meta, blob_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, id) DO NOTHING`,
    ).run(m.deviceId, m.id, m.ts, receivedAt, m.reason, m.model.name, m.model.version, JSON.stringify(m), key);
    return changes === 1;
  }

  async setSampleLabels(deviceId: string, id: string, labels: readonly LabelBox[], source: string): Promise<boolean> {
    const l = input.labels(labels, source);
    const { changes } = this.st('UPDATE samples SET labels = ?, label_source = ? WHERE device_id = ? AND id = ?')
      .run(JSON.stringify(l.labels), l.source, deviceId, id);
    return changes === 1;
  }

  async listSamples(options: ListSamplesOptions): Promise<StoredSample[]> {
    const labelled = options.labelled === undefined ? null : options.labelled ? 1 : 0;
    const group = options.group ?? null;
    const rows = this.all(
      `SELECT s.* FROM samples s WHERE (? IS NULL OR s.device_id = ?) AND (? IS NULL OR (s.labels IS NOT NULL) = ?)
         AND (? IS NULL OR s.ts >= ?) AND (? IS NULL OR s.ts < ?)
         AND (? IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = ?))
       ORDER BY s.ts DESC, s.device_id, s.id LIMIT ?`,
      options.deviceId ?? null, options.deviceId ?? null, labelled, labelled, options.since ?? null, options.since ?? null,
      options.before ?? null, options.before ?? null, group, group, options.limit,
    );
    return rows.map((r) => toStoredSample(r, decodeJsonText));
  }

  async getSample(deviceId: string, id: string): Promise<StoredSample | undefined> {
    const row = this.all('SELECT * FROM samples WHERE device_id = ? AND id = ?', deviceId, id)[0];
    return row === undefined ? undefined : toStoredSample(row, decodeJsonText);
  }

  async getSampleJpeg(deviceId: string, id: string): Promise<Uint8Array | undefined> {
    const sample = await this.getSample(deviceId, id);
    return sample === undefined ? undefined : this.deps.blobs.get(sample.blobKey);
  }

  async upsertModel(model: ModelRecord): Promise<void> {
    const m = input.model(model);
    this.st(
      `INSERT INTO models (name, version, sha256, size, path, labels, metrics, created_at, manifest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, version) DO UPDATE SET sha256 = excluded.sha256,
       size = excluded.size, path = excluded.path, labels = excluded.labels, metrics = excluded.metrics,
       created_at = excluded.created_at, manifest = COALESCE(excluded.manifest, models.manifest)`,
    ).run(m.name, m.version, m.sha256, m.size, m.path, JSON.stringify(m.labels), JSON.stringify(m.metrics), m.createdAt, m.manifest ?? null);
    return;
  }

  async listModels(): Promise<ModelRecord[]> {
    return this.all('SELECT * FROM models ORDER BY name, version').map((r) => toModel(r, decodeJsonText));
  }

  async createJob(job: NewJob): Promise<JobRecord> {
    const j = input.job(job);
    const row = this.st(
      `INSERT INTO jobs (id, kind, params, status, created_at) VALUES (?, ?, ?, 'queued', ?)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
    ).get(j.id, j.kind, j.params === undefined ? null : JSON.stringify(j.params), j.createdAt) as Row | undefined;
    if (row === undefined) throw duplicateJob(j.id);
    return toJob(row, decodeJsonText);
  }

  async updateJob(id: string, patch: JobPatch): Promise<JobRecord | undefined> {
    const cols = jobPatchColumns(input.jobPatch(patch));
    if (cols.length === 0) return this.jobById(id);
    const row = this.st(`UPDATE jobs SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? RETURNING *`)
      .get(...cols.map(([, v]) => v), id) as Row | undefined;
    return row === undefined ? undefined : toJob(row, decodeJsonText);
  }

  private jobById(id: string): JobRecord | undefined {
    const row = this.all('SELECT * FROM jobs WHERE id = ?', id)[0];
    return row === undefined ? undefined : toJob(row, decodeJsonText);
  }

  async listJobs(): Promise<JobRecord[]> {
    return this.all('SELECT * FROM jobs ORDER BY created_at DESC, id').map((r) => toJob(r, decodeJsonText));
  }

  async appendJobLog(id: string, line: string, ts: number): Promise<boolean> {
    const { changes } = this.st('INSERT INTO job_logs (job_id, ts, line) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)')
      .run(id, ts, line, id);
    return changes === 1;
  }

  async jobLog(id: string): Promise<JobLogLine[]> {
    const rows = this.all('SELECT ts, line FROM job_logs WHERE job_id = ? ORDER BY seq', id);
    return rows.map((r) => ({ ts: Number(r['ts']), line: String(r['line']) }));
  }
}
