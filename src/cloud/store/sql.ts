/**
 * SQL shared by both backends, generated per dialect. Device rows are written only by upserts whose every
 * column is guarded by the message's device time, so concurrent replicas and replayed messages converge on the
 * newest message without a read-modify-write.
 */
import type { StatePayload, StatsPayload, StatusPayload, UpdatePayload } from '../../protocol/index.ts';

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** JSON as a parameter: text for SQLite, text cast to JSONB for PostgreSQL. */
  readonly json: (placeholder: string) => string;
  readonly greatest: 'max' | 'GREATEST';
}

export const SQLITE: Dialect = { name: 'sqlite', json: (p) => p, greatest: 'max' };
export const POSTGRES: Dialect = { name: 'postgres', json: (p) => `${p}::jsonb`, greatest: 'GREATEST' };

/** `rows` groups of `cols` placeholders: `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`. */
export function valuesList(dialect: Dialect, rows: number, cols: number, jsonCols: ReadonlySet<number> = new Set()): string {
  const groups: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const ps: string[] = [];
    for (let c = 0; c < cols; c++) {
      n++;
      const p = dialect.name === 'sqlite' ? '?' : `$${n}`;
      ps.push(jsonCols.has(c) ? dialect.json(p) : p);
    }
    groups.push(`(${ps.join(', ')})`);
  }
  return groups.join(', ');
}

type Value = string | number | null;

function deviceUpsert(dialect: Dialect, rows: number, cols: readonly string[], guard: string, jsonCols: ReadonlySet<number>, orElse = ''): string {
  const newer = `devices.${guard} IS NULL OR excluded.${guard} >= devices.${guard}${orElse}`;
  const sets = cols
    .filter((c) => c !== 'device_id' && c !== 'last_seen')
    .map((c) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE devices.${c} END`);
  sets.unshift(`last_seen = ${dialect.greatest}(devices.last_seen, excluded.last_seen)`);
  return `INSERT INTO devices (${cols.join(', ')}) VALUES ${valuesList(dialect, rows, cols.length, jsonCols)}
    ON CONFLICT (device_id) DO UPDATE SET ${sets.join(', ')}`;
}

const STATUS_COLS = [
  'device_id', 'last_seen', 'status_ts', 'last_status_at', 'state', 'reason', 'group_name', 'agent_version',
  'model_name', 'model_version', 'provider', 'status_json', 'connected_at',
] as const;

/**
 * A last will carries the time its connection began (it is fixed at CONNECT), which is older than the statuses
 * that connection sent since: it still wins over them (same `connectedAt`), but not over a later connection's.
 */
const WILL_OF_STORED_CONNECTION = ` OR (excluded.reason = 'last-will' AND devices.connected_at IS NOT NULL AND excluded.status_ts >= devices.connected_at)`;

export const statusUpsertSql = (d: Dialect): string => deviceUpsert(d, 1, STATUS_COLS, 'status_ts', new Set([11]), WILL_OF_STORED_CONNECTION);

export function statusValues(s: StatusPayload, receivedAt: number): Value[] {
  return [
    s.deviceId, receivedAt, s.ts, receivedAt, s.state, s.reason ?? null, s.group ?? null, s.agentVersion ?? null,
    s.model?.name ?? null, s.model?.version ?? null, s.provider ?? null, JSON.stringify(s), s.connectedAt ?? null,
  ];
}

/** A state message is no sign of life for liveness: last_seen 0 leaves the stored one. */
const STATE_COLS = ['device_id', 'last_seen', 'state_ts', 'rules_json', 'outputs_json'] as const;
export const stateUpsertSql = (d: Dialect): string => deviceUpsert(d, 1, STATE_COLS, 'state_ts', new Set([3, 4]));
export function stateValues(s: StatePayload): Value[] {
  return [s.deviceId, 0, s.ts, JSON.stringify(s.rules), JSON.stringify(s.outputs)];
}

/** An update message is no sign of life either (it may be replayed); the newest by device time wins. */
const UPDATE_COLS = ['device_id', 'last_seen', 'update_ts', 'update_json'] as const;
export const updateUpsertSql = (d: Dialect): string => deviceUpsert(d, 1, UPDATE_COLS, 'update_ts', new Set([3]));
export function updateValues(u: UpdatePayload): Value[] {
  return [u.deviceId, 0, u.ts, JSON.stringify(u)];
}

const DEVICE_STATS_COLS = [
  'device_id', 'last_seen', 'last_stats_ts', 'last_stats_at', 'last_fps', 'last_g2g_p95', 'last_cpu_temp',
  'last_outbox_depth', 'stats_provider', 'stats_model_name', 'stats_model_version',
] as const;

/** One row per device: PostgreSQL refuses a command that updates one row twice. */
export const deviceStatsUpsertSql = (d: Dialect, rows: number): string =>
  deviceUpsert(d, rows, DEVICE_STATS_COLS, 'last_stats_ts', new Set());

export function deviceStatsValues(s: StatsPayload, receivedAt: number): Value[] {
  // No actuation in the interval: there is no glass-to-GPIO figure, and 0 ms would read as a fast one.
  const g2g = s.glassToGpioMs.count > 0 ? s.glassToGpioMs.p95 : null;
  return [
    s.deviceId, receivedAt, s.ts, receivedAt, s.fps, g2g, s.cpuTempC, s.outbox.depth, s.provider,
    s.model.name, s.model.version,
  ];
}

export const STATS_COLS = [
  'device_id', 'ts', 'received_at', 'interval_s', 'fps', 'captured', 'processed', 'dropped', 'inf_p50', 'inf_p95',
  'inf_p99', 'g2g_p50', 'g2g_p95', 'g2g_p99', 'cpu_temp_c', 'throttled', 'rss_mb', 'heap_mb', 'outbox_depth',
  'outbox_bytes', 'outbox_dropped', 'provider', 'model_name', 'model_version', 'classes',
] as const;
const STATS_JSON = new Set([STATS_COLS.indexOf('classes')]);

export const statsInsertSql = (d: Dialect, rows: number): string =>
  `INSERT INTO stats (${STATS_COLS.join(', ')}) VALUES ${valuesList(d, rows, STATS_COLS.length, STATS_JSON)}
    ON CONFLICT (device_id, ts) DO NOTHING`;

export function statsValues(s: StatsPayload, receivedAt: number): Value[] {
  return [
    s.deviceId, s.ts, receivedAt, s.intervalS, s.fps, s.frames.captured, s.frames.processed, s.frames.dropped,
    s.inferenceMs.p50, s.inferenceMs.p95, s.inferenceMs.p99, s.glassToGpioMs.p50, s.glassToGpioMs.p95,
    s.glassToGpioMs.p99, s.cpuTempC, s.throttled, s.memory.rssMb, s.memory.heapMb, s.outbox.depth, s.outbox.bytes,
    s.outbox.dropped, s.provider, s.model.name, s.model.version, JSON.stringify(s.classes),
  ];
}

/** The newest message per device in a batch, devices in a fixed order (two replicas lock rows alike: no deadlock). */
export function newestPerDevice(rows: readonly { stats: StatsPayload; receivedAt: number }[]): { stats: StatsPayload; receivedAt: number }[] {
  const newest = new Map<string, { stats: StatsPayload; receivedAt: number }>();
  for (const row of rows) {
    const seen = newest.get(row.stats.deviceId);
    if (seen === undefined || row.stats.ts >= seen.stats.ts) newest.set(row.stats.deviceId, row);
  }
  return [...newest.keys()].sort().map((k) => newest.get(k)!);
}

/** Bucket width so that [from, to) gives at most maxPoints buckets. */
export function bucketWidth(from: number, to: number, maxPoints: number): number {
  return Math.max(1, Math.ceil((to - from) / maxPoints));
}

export const HIST_BINS = 10;
