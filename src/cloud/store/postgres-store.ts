/**
 * The fleet store: PostgreSQL behind a pool, shared by several service replicas. Every write is an upsert or an
 * insert deduplicated by a unique key (`ON CONFLICT`), so replicas never race on read-modify-write.
 */
import type { EventPayload, StatePayload, StatsPayload, StatusPayload, UpdatePayload } from '../../protocol/index.ts';
import type { BlobStore } from './blob-store.ts';
import { classConfidenceColumns, toClassConfidence } from './class-confidence-sql.ts';
import { createPgPool, type PgPool, type PgQueryable } from './pg-driver.ts';
import {
  decodeJsonValue, toDeviceDetail, toDeviceSummary, toJob, toModel, toPoint, toStatsSummary, toStoredEvent, toStoredSample, type Row,
} from './rows.ts';
import { POSTGRES_MIGRATIONS, type Migration } from './schema.ts';
import {
  bucketWidth, deviceStatsUpsertSql, deviceStatsValues, newestPerDevice, POSTGRES, stateUpsertSql, stateValues,
  STATS_COLS, statsInsertSql, statsValues, statusUpsertSql, statusValues, updateUpsertSql, updateValues,
} from './sql.ts';
import type {
  ClassConfidence, ClassConfidenceOptions, DeviceDetail, DeviceSummary, FirstStatsOptions, JobLogLine, JobPatch, JobRecord,
  LabelBox, ListDevicesOptions, ListEventsOptions, ListSamplesOptions, LivenessOptions, ModelRecord, NewJob,
  RetentionOptions, RetentionResult, SampleMeta, SeriesOptions, SeriesPoint, StatsRow, StatsSummary, Store, StoredEvent,
  StoredSample,
} from './store.ts';
import { duplicateJob, input, jobPatchColumns } from './store-input.ts';

export interface PostgresStoreDeps {
  readonly connectionString: string;
  readonly blobs: BlobStore;
  readonly poolSize?: number;
  readonly migrations?: readonly Migration[];
  /** An idle pooled connection failed (server restart, failover); the pool replaces it. */
  readonly onConnectionError?: (error: Error) => void;
}

/** Any constant both replicas agree on; "LOOK" in ASCII. */
const MIGRATION_LOCK = 0x4c4f4f4b;
/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 65_535;
const STATS_CHUNK = Math.floor(MAX_PARAMS / STATS_COLS.length);

export class PostgresStore implements Store {
  private pool: PgPool | undefined;

  constructor(private readonly deps: PostgresStoreDeps) {}

  private get db(): PgPool {
    if (this.pool === undefined) throw new Error('PostgresStore used before open()');
    return this.pool;
  }

  private async rows(sql: string, values: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, values)).rows;
  }

  private async transaction<T>(fn: (client: PgQueryable) => Promise<T>): Promise<T> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  }

  async open(): Promise<void> {
    if (this.pool !== undefined) return;
    const pool = createPgPool(this.deps.connectionString, this.deps.poolSize ?? 10, this.deps.onConnectionError ?? (() => undefined));
    try {
      const client = await pool.connect();
      try {
        // Session-level advisory lock: a second replica starting now waits here, then finds everything applied.
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        for (const m of this.deps.migrations ?? POSTGRES_MIGRATIONS) {
          const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
          if (done.rows.length > 0) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw e;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        client.release();
      }
    } catch (e) {
      await pool.end();
      throw e;
    }
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async migrationVersions(): Promise<number[]> {
    return (await this.rows('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r['version']));
  }

  async upsertStatus(status: StatusPayload, receivedAt: number): Promise<void> {
    const s = input.status(status, receivedAt);
    await this.db.query(statusUpsertSql(POSTGRES), statusValues(s, receivedAt));
  }

  async upsertState(state: StatePayload): Promise<void> {
    await this.db.query(stateUpsertSql(POSTGRES), stateValues(input.state(state)));
  }

  async upsertUpdate(update: UpdatePayload): Promise<void> {
    await this.db.query(updateUpsertSql(POSTGRES), updateValues(input.update(update)));
  }

  async listDevices(options: ListDevicesOptions): Promise<DeviceSummary[]> {
    const rows = await this.rows(
      'SELECT * FROM devices WHERE ($1::text IS NULL OR group_name = $1) ORDER BY device_id COLLATE "C" LIMIT $2 OFFSET $3',
      [options.group ?? null, options.limit, options.offset],
    );
    return rows.map((r) => toDeviceSummary(r, options));
  }

  async getDevice(deviceId: string, options: LivenessOptions): Promise<DeviceDetail | undefined> {
    const row = (await this.rows('SELECT * FROM devices WHERE device_id = $1', [deviceId]))[0];
    return row === undefined ? undefined : toDeviceDetail(row, options, decodeJsonValue);
  }

  async insertStats(stats: StatsPayload, receivedAt: number): Promise<boolean> {
    return (await this.insertStatsBatch([{ stats, receivedAt }])) === 1;
  }

  async insertStatsBatch(rows: readonly StatsRow[]): Promise<number> {
    const parsed = input.statsBatch(rows);
    if (parsed.length === 0) return 0;
    return this.transaction(async (client) => {
      let added = 0;
      for (let i = 0; i < parsed.length; i += STATS_CHUNK) {
        const chunk = parsed.slice(i, i + STATS_CHUNK);
        const result = await client.query(statsInsertSql(POSTGRES, chunk.length), chunk.flatMap((r) => statsValues(r.stats, r.receivedAt)));
        added += result.rowCount ?? 0;
      }
      const newest = newestPerDevice(parsed);
      await client.query(deviceStatsUpsertSql(POSTGRES, newest.length), newest.flatMap((r) => deviceStatsValues(r.stats, r.receivedAt)));
      return added;
    });
  }

  async statsSeries(deviceId: string, options: SeriesOptions): Promise<SeriesPoint[]> {
    const width = bucketWidth(options.from, options.to, options.maxPoints);
    const rows = await this.rows(
      `SELECT (ts - $1::bigint) / $2::bigint AS b, COUNT(*) AS n, AVG(fps) AS fps, AVG(inf_p95) AS inf,
         MAX(g2g_p95) AS g2g, AVG(cpu_temp_c) AS temp, MAX(outbox_depth) AS depth, SUM(dropped) AS dropped
       FROM stats WHERE device_id = $3 AND ts >= $1 AND ts < $4 GROUP BY b ORDER BY b`,
      [options.from, width, deviceId, options.to],
    );
    return rows.map((r) => toPoint(r, options.from, width));
  }

  async applyRetention(options: RetentionOptions): Promise<RetentionResult> {
    const stats = await this.db.query('DELETE FROM stats WHERE received_at < $1', [options.now - options.statsOlderThanMs]);
    const events = await this.db.query('DELETE FROM events WHERE received_at < $1', [options.now - options.eventsOlderThanMs]);
    return { stats: stats.rowCount ?? 0, events: events.rowCount ?? 0 };
  }

  async statsSummary(options: ClassConfidenceOptions): Promise<StatsSummary | undefined> {
    const row = (await this.rows(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT s.device_id) AS d, AVG(s.fps) AS fps, AVG(s.inf_p95) AS inf, AVG(s.g2g_p95) AS g2g
       FROM stats s WHERE s.ts >= $1 AND s.ts < $2 AND ($3::text IS NULL OR s.model_name = $3) AND ($4::bigint IS NULL OR s.model_version = $4)
         AND ($5::text IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = $5))`,
      [options.from, options.to, options.modelName ?? null, options.modelVersion ?? null, options.group ?? null],
    ))[0];
    return toStatsSummary(row);
  }

  async firstStatsTs(options: FirstStatsOptions): Promise<number | undefined> {
    const row = (await this.rows(
      `SELECT MIN(s.ts) AS first FROM stats s WHERE s.model_name = $1 AND s.model_version = $2
         AND ($3::text IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = $3))`,
      [options.modelName, options.modelVersion, options.group ?? null],
    ))[0];
    return row?.['first'] === null || row?.['first'] === undefined ? undefined : Number(row['first']);
  }

  async classConfidence(options: ClassConfidenceOptions): Promise<ClassConfidence[]> {
    const rows = await this.rows(
      `SELECT j.key AS label, ${classConfidenceColumns('postgres')}
       FROM stats s JOIN devices d ON d.device_id = s.device_id CROSS JOIN LATERAL jsonb_each(s.classes) AS j
       WHERE s.ts >= $1 AND s.ts < $2 AND ($3::text IS NULL OR d.group_name = $3)
         AND ($4::text IS NULL OR s.model_name = $4) AND ($5::bigint IS NULL OR s.model_version = $5)
       GROUP BY j.key`,
      [options.from, options.to, options.group ?? null, options.modelName ?? null, options.modelVersion ?? null],
    );
    return toClassConfidence(rows);
  }

  async insertEvent(event: EventPayload, receivedAt: number): Promise<boolean> {
    const e = input.event(event, receivedAt);
    const result = await this.db.query(
      `INSERT INTO events (device_id, id, ts, received_at, kind, priority, rule, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (device_id, id) DO NOTHING`,
      [e.deviceId, e.id, e.ts, receivedAt, e.kind, e.priority, e.rule, JSON.stringify(e)],
    );
    return result.rowCount === 1;
  }

  async listEvents(options: ListEventsOptions): Promise<StoredEvent[]> {
    const rows = await this.rows(
      `SELECT payload, received_at FROM events WHERE ($1::text IS NULL OR device_id = $1)
         AND ($2::bigint IS NULL OR ts >= $2) ORDER BY ts DESC, device_id COLLATE "C", id COLLATE "C" LIMIT $3`,
      [options.deviceId ?? null, options.since ?? null, options.limit],
    );
    return rows.map((r) => toStoredEvent(r, decodeJsonValue));
  }

  async insertSample(meta: SampleMeta, jpeg: Uint8Array, receivedAt: number): Promise<boolean> {
    const { meta: m, key } = input.sample(meta, jpeg, receivedAt);
    // Blob first: a row never points at a missing blob. A duplicate rewrites the same bytes at the same key.
    await this.deps.blobs.put(key, jpeg);
    const result = await this.db.query(
      `INSERT INTO samples (device_id, id, ts, received_at, reason, model_name, model_version, meta, blob_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT (device_id, id) DO NOTHING`,
      [m.deviceId, m.id, m.ts, receivedAt, m.reason, m.model.name, m.model.version, JSON.stringify(m), key],
    );
    return result.rowCount === 1;
  }

  async setSampleLabels(deviceId: string, id: string, labels: readonly LabelBox[], source: string): Promise<boolean> {
    const l = input.labels(labels, source);
    const result = await this.db.query(
      'UPDATE samples SET labels = $1::jsonb, label_source = $2 WHERE device_id = $3 AND id = $4',
      [JSON.stringify(l.labels), l.source, deviceId, id],
    );
    return result.rowCount === 1;
  }

  async listSamples(options: ListSamplesOptions): Promise<StoredSample[]> {
    const rows = await this.rows(
      `SELECT s.* FROM samples s WHERE ($1::text IS NULL OR s.device_id = $1)
         AND ($2::boolean IS NULL OR (s.labels IS NOT NULL) = $2)
         AND ($4::bigint IS NULL OR s.ts >= $4) AND ($6::bigint IS NULL OR s.ts < $6)
         AND ($5::text IS NULL OR s.device_id IN (SELECT device_id FROM devices WHERE group_name = $5))
       ORDER BY s.ts DESC, s.device_id COLLATE "C", s.id COLLATE "C" LIMIT $3`,
      [options.deviceId ?? null, options.labelled ?? null, options.limit, options.since ?? null, options.group ?? null, options.before ?? null],
    );
    return rows.map((r) => toStoredSample(r, decodeJsonValue));
  }

  async getSample(deviceId: string, id: string): Promise<StoredSample | undefined> {
    const row = (await this.rows('SELECT * FROM samples WHERE device_id = $1 AND id = $2', [deviceId, id]))[0];
    return row === undefined ? undefined : toStoredSample(row, decodeJsonValue);
  }

  async getSampleJpeg(deviceId: string, id: string): Promise<Uint8Array | undefined> {
    const sample = await this.getSample(deviceId, id);
    return sample === undefined ? undefined : this.deps.blobs.get(sample.blobKey);
  }

  async upsertModel(model: ModelRecord): Promise<void> {
    const m = input.model(model);
    await this.db.query(
      `INSERT INTO models (name, version, sha256, size, path, labels, metrics, created_at, manifest)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) ON CONFLICT (name, version) DO UPDATE SET
       sha256 = excluded.sha256, size = excluded.size, path = excluded.path, labels = excluded.labels,
       metrics = excluded.metrics, created_at = excluded.created_at, manifest = COALESCE(excluded.manifest, models.manifest)`,
      [m.name, m.version, m.sha256, m.size, m.path, JSON.stringify(m.labels), JSON.stringify(m.metrics), m.createdAt, m.manifest ?? null],
    );
  }

  async listModels(): Promise<ModelRecord[]> {
    return (await this.rows('SELECT * FROM models ORDER BY name COLLATE "C", version')).map((r) => toModel(r, decodeJsonValue));
  }

  async createJob(job: NewJob): Promise<JobRecord> {
    const j = input.job(job);
    const row = (await this.rows(
      `INSERT INTO jobs (id, kind, params, status, created_at) VALUES ($1, $2, $3::jsonb, 'queued', $4)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [j.id, j.kind, j.params === undefined ? null : JSON.stringify(j.params), j.createdAt],
    ))[0];
    if (row === undefined) throw duplicateJob(j.id);
    return toJob(row, decodeJsonValue);
  }

  async updateJob(id: string, patch: JobPatch): Promise<JobRecord | undefined> {
    const cols = jobPatchColumns(input.jobPatch(patch));
    const sets = cols.map(([c, , json], i) => `${c} = $${i + 2}${json ? '::jsonb' : ''}`);
    const sql = sets.length === 0 ? 'SELECT * FROM jobs WHERE id = $1' : `UPDATE jobs SET ${sets.join(', ')} WHERE id = $1 RETURNING *`;
    const row = (await this.rows(sql, [id, ...cols.map(([, v]) => v)]))[0];
    return row === undefined ? undefined : toJob(row, decodeJsonValue);
  }

  async listJobs(): Promise<JobRecord[]> {
    return (await this.rows('SELECT * FROM jobs ORDER BY created_at DESC, id COLLATE "C"')).map((r) => toJob(r, decodeJsonValue));
  }

  async appendJobLog(id: string, line: string, ts: number): Promise<boolean> {
    const result = await this.db.query(
      'INSERT INTO job_logs (job_id, ts, line) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM jobs WHERE id = $1)',
      [id, ts, line],
    );
    return result.rowCount === 1;
  }

  async jobLog(id: string): Promise<JobLogLine[]> {
    const rows = await this.rows('SELECT ts, line FROM job_logs WHERE job_id = $1 ORDER BY seq', [id]);
    return rows.map((r) => ({ ts: Number(r['ts']), line: String(r['line']) }));
  }
}
