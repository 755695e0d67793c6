/**
 * Numbered migrations, one list per dialect (types differ: JSONB, BIGINT). Append only: a published migration
 * never changes, since `schema_migrations` records it as applied.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const tables = (t: { json: string; big: string; real: string; serial: string }): string => `
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  last_seen ${t.big} NOT NULL,
  status_ts ${t.big}, last_status_at ${t.big}, state TEXT, reason TEXT, group_name TEXT, agent_version TEXT,
  model_name TEXT, model_version ${t.big}, provider TEXT, status_json ${t.json},
  state_ts ${t.big}, rules_json ${t.json}, outputs_json ${t.json},
  last_stats_ts ${t.big}, last_stats_at ${t.big}, last_fps ${t.real}, last_g2g_p95 ${t.real}, last_cpu_temp ${t.real},
  last_outbox_depth ${t.big}, stats_provider TEXT, stats_model_name TEXT, stats_model_version ${t.big}
);
CREATE INDEX devices_group ON devices (group_name, device_id);
CREATE TABLE stats (
  device_id TEXT NOT NULL, ts ${t.big} NOT NULL, received_at ${t.big} NOT NULL, interval_s ${t.real} NOT NULL,
  fps ${t.real} NOT NULL, captured ${t.big} NOT NULL, processed ${t.big} NOT NULL, dropped ${t.big} NOT NULL,
  inf_p50 ${t.real} NOT NULL, inf_p95 ${t.real} NOT NULL, inf_p99 ${t.real} NOT NULL,
  g2g_p50 ${t.real} NOT NULL, g2g_p95 ${t.real} NOT NULL, g2g_p99 ${t.real} NOT NULL,
  cpu_temp_c ${t.real}, throttled ${t.big}, rss_mb ${t.real} NOT NULL, heap_mb ${t.real} NOT NULL,
  outbox_depth ${t.big} NOT NULL, outbox_bytes ${t.big} NOT NULL, outbox_dropped ${t.big} NOT NULL,
  provider TEXT NOT NULL, model_name TEXT NOT NULL, model_version ${t.big} NOT NULL, classes ${t.json} NOT NULL,
  PRIMARY KEY (device_id, ts)
);
CREATE INDEX stats_received ON stats (received_at);
CREATE INDEX stats_ts ON stats (ts);
CREATE TABLE events (
  device_id TEXT NOT NULL, id TEXT NOT NULL, ts ${t.big} NOT NULL, received_at ${t.big} NOT NULL,
  kind TEXT NOT NULL, priority TEXT NOT NULL, rule TEXT NOT NULL, payload ${t.json} NOT NULL,
  PRIMARY KEY (device_id, id)
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_received ON events (received_at);
CREATE TABLE samples (
  device_id TEXT NOT NULL, id TEXT NOT NULL, ts ${t.big} NOT NULL, received_at ${t.big} NOT NULL,
  reason TEXT NOT NULL, model_name TEXT NOT NULL, model_version ${t.big} NOT NULL, meta ${t.json} NOT NULL,
  blob_key TEXT NOT NULL, labels ${t.json}, label_source TEXT,
  PRIMARY KEY (device_id, id)
);
CREATE INDEX samples_ts ON samples (ts);
CREATE TABLE models (
  name TEXT NOT NULL, version ${t.big} NOT NULL, sha256 TEXT NOT NULL, size ${t.big} NOT NULL, path TEXT NOT NULL,
  labels ${t.json} NOT NULL, metrics ${t.json} NOT NULL, created_at ${t.big} NOT NULL, manifest TEXT,
  PRIMARY KEY (name, version)
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, params ${t.json}, status TEXT NOT NULL, created_at ${t.big} NOT NULL,
  started_at ${t.big}, finished_at ${t.big}, result ${t.json}, error TEXT
);
CREATE TABLE job_logs (
  seq ${t.serial}, job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, ts ${t.big} NOT NULL,
  line TEXT NOT NULL
);
CREATE INDEX job_logs_job ON job_logs (job_id, seq);
`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'fleet, telemetry, samples, models, jobs',
    sql: tables({ json: 'TEXT', big: 'INTEGER', real: 'REAL', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }) },
  { version: 2, name: 'devices.connected_at: order last wills', sql: 'ALTER TABLE devices ADD COLUMN connected_at INTEGER;' },
  { version: 3, name: 'devices: last model update state; samples by time',
    sql: 'ALTER TABLE devices ADD COLUMN update_ts INTEGER; ALTER TABLE devices ADD COLUMN update_json TEXT; CREATE INDEX samples_device_ts ON samples (device_id, ts);' },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'fleet, telemetry, samples, models, jobs',
    sql: tables({ json: 'JSONB', big: 'BIGINT', real: 'DOUBLE PRECISION', serial: 'BIGSERIAL PRIMARY KEY' }) },
  { version: 2, name: 'devices.connected_at: order last wills', sql: 'ALTER TABLE devices ADD COLUMN connected_at BIGINT;' },
  { version: 3, name: 'devices: last model update state; samples by time',
    sql: 'ALTER TABLE devices ADD COLUMN update_ts BIGINT, ADD COLUMN update_json JSONB; CREATE INDEX samples_device_ts ON samples (device_id, ts);' },
];
