/** Maps rows (column name -> value, as either driver returns them) to the store's types. */
import type { EventPayload, StatusPayload, UpdatePayload } from '../../protocol/index.ts';
import { liveness } from './liveness.ts';
import type {
  DeviceDetail, DeviceSummary, JobRecord, JobStatus, LabelBox, LivenessOptions, ModelRecord, SampleMeta,
  SeriesPoint, StatsSummary, StoredEvent, StoredSample,
} from './store.ts';

export type Row = Record<string, unknown>;
/** SQLite hands JSON back as text, PostgreSQL's JSONB as values. */
export type DecodeJson = (value: unknown) => unknown;

export const decodeJsonText: DecodeJson = (value) => (typeof value === 'string' ? JSON.parse(value) as unknown : null);
export const decodeJsonValue: DecodeJson = (value) => value;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : text(v));

export function toDeviceSummary(row: Row, options: LivenessOptions): DeviceSummary {
  const state = str(row['state']) as StatusPayload['state'] | null;
  const lastSeen = Number(row['last_seen']);
  return {
    deviceId: text(row['device_id']),
    group: str(row['group_name']),
    liveness: liveness(state, lastSeen, options),
    state,
    reason: str(row['reason']),
    agentVersion: str(row['agent_version']),
    // The status says what the device runs; stats fill in until a status arrives.
    modelName: str(row['model_name'] ?? row['stats_model_name']),
    modelVersion: num(row['model_version'] ?? row['stats_model_version']),
    provider: str(row['provider'] ?? row['stats_provider']),
    lastFps: num(row['last_fps']),
    lastGlassToGpioP95Ms: num(row['last_g2g_p95']),
    lastCpuTempC: num(row['last_cpu_temp']),
    lastOutboxDepth: num(row['last_outbox_depth']),
    lastSeen,
    lastStatusAt: num(row['last_status_at']),
    lastStatsAt: num(row['last_stats_at']),
    update: updateSummary(row['update_json']),
  };
}

/** SQLite hands JSON back as text, PostgreSQL as a value; the summary wants a few fields of either. */
function updateSummary(value: unknown): DeviceSummary['update'] {
  if (value === null || value === undefined) return null;
  const u = (typeof value === 'string' ? JSON.parse(value) : value) as UpdatePayload;
  return { state: u.state, name: u.name, version: u.version, ts: u.ts, ...(u.code !== undefined && { code: u.code }) };
}

export function toStatsSummary(row: Row | undefined): StatsSummary | undefined {
  const messages = Number(row?.['n'] ?? 0);
  if (row === undefined || messages === 0) return undefined;
  return { messages, devices: Number(row['d']), fps: Number(row['fps']), inferenceP95Ms: Number(row['inf']), glassToGpioP95Ms: Number(row['g2g']) };
}

export function toDeviceDetail(row: Row, options: LivenessOptions, json: DecodeJson): DeviceDetail {
  return {
    ...toDeviceSummary(row, options),
    status: json(row['status_json']) as StatusPayload | null,
    rules: json(row['rules_json']) as DeviceDetail['rules'],
    outputs: json(row['outputs_json']) as DeviceDetail['outputs'],
    stateTs: num(row['state_ts']),
  };
}

export function toStoredEvent(row: Row, json: DecodeJson): StoredEvent {
  return { event: json(row['payload']) as EventPayload, receivedAt: Number(row['received_at']) };
}

export function toStoredSample(row: Row, json: DecodeJson): StoredSample {
  return {
    meta: json(row['meta']) as SampleMeta,
    receivedAt: Number(row['received_at']),
    blobKey: text(row['blob_key']),
    labels: json(row['labels']) as LabelBox[] | null,
    labelSource: str(row['label_source']),
  };
}

export function toModel(row: Row, json: DecodeJson): ModelRecord {
  return {
    name: text(row['name']),
    version: Number(row['version']),
    sha256: text(row['sha256']),
    size: Number(row['size']),
    path: text(row['path']),
    labels: json(row['labels']) as string[],
    metrics: json(row['metrics']) as Record<string, number>,
    createdAt: Number(row['created_at']),
    manifest: str(row['manifest']),
  };
}

export function toJob(row: Row, json: DecodeJson): JobRecord {
  return {
    id: text(row['id']),
    kind: text(row['kind']),
    params: json(row['params']),
    status: text(row['status']) as JobStatus,
    createdAt: Number(row['created_at']),
    startedAt: num(row['started_at']),
    finishedAt: num(row['finished_at']),
    result: json(row['result']),
    error: str(row['error']),
  };
}

/** One statsSeries bucket row (b = bucket index). */
export function toPoint(r: Row, from: number, width: number): SeriesPoint {
  return {
    ts: from + Number(r['b']) * width,
    count: Number(r['n']),
    fps: Number(r['fps']),
    inferenceP95Ms: Number(r['inf']),
    glassToGpioP95Ms: Number(r['g2g']),
    cpuTempC: r['temp'] === null ? null : Number(r['temp']),
    outboxDepth: Number(r['depth']),
    dropped: Number(r['dropped']),
  };
}
