/**
 * The cloud store port: what the ingest writes and the dashboard, drift policies and jobs read. SQLite serves
 * one machine with no setup; PostgreSQL serves a fleet with several service replicas writing at once, so every
 * write is an idempotent upsert or an insert deduplicated by a unique constraint, never read-modify-write.
 */
import type {
  DetectionPayload, EventPayload, SamplePayload, StatePayload, StatsPayload, StatusPayload, UpdatePayload,
} from '../../protocol/index.ts';

/** Computed at read time from the last status and the age of the newest message (see liveness.ts). */
export type Liveness = 'online' | 'offline' | 'degraded' | 'stale';

/** One row of the fleet table. Fields from a message kind not yet received are null. */
export interface DeviceSummary {
  readonly deviceId: string;
  readonly group: string | null;
  readonly liveness: Liveness;
  /** The state the device last reported in its status. */
  readonly state: StatusPayload['state'] | null;
  readonly reason: string | null;
  readonly agentVersion: string | null;
  readonly modelName: string | null;
  readonly modelVersion: number | null;
  readonly provider: string | null;
  readonly lastFps: number | null;
  readonly lastGlassToGpioP95Ms: number | null;
  readonly lastCpuTempC: number | null;
  readonly lastOutboxDepth: number | null;
  /** Receive time (ms) of the newest status or stats message. */
  readonly lastSeen: number;
  readonly lastStatusAt: number | null;
  readonly lastStatsAt: number | null;
  /** The last model update the device reported (`update` channel), if any. */
  readonly update: Pick<UpdatePayload, 'state' | 'name' | 'version' | 'code' | 'ts'> | null;
}

export interface DeviceDetail extends DeviceSummary {
  readonly status: StatusPayload | null;
  readonly rules: StatePayload['rules'] | null;
  readonly outputs: StatePayload['outputs'] | null;
  readonly stateTs: number | null;
}

export interface LivenessOptions {
  /** Now, in ms since the epoch. */
  readonly now: number;
  /** No status or stats for longer than this: `stale`. */
  readonly staleAfterMs: number;
}

export interface ListDevicesOptions extends LivenessOptions {
  readonly group?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface StatsRow {
  readonly stats: StatsPayload;
  readonly receivedAt: number;
}

export interface SeriesOptions {
  /** Inclusive, device time (ms). */
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  /** At most this many points: rows are averaged over equal time buckets. */
  readonly maxPoints: number;
}

/** One time bucket of a device's stats. */
export interface SeriesPoint {
  /** Start of the bucket (ms). */
  readonly ts: number;
  /** Stats messages in the bucket. */
  readonly count: number;
  readonly fps: number;
  readonly inferenceP95Ms: number;
  /** The worst p95 in the bucket: averaging would hide a spike. */
  readonly glassToGpioP95Ms: number;
  readonly cpuTempC: number | null;
  readonly outboxDepth: number;
  readonly dropped: number;
}

export interface RetentionOptions {
  readonly now: number;
  readonly statsOlderThanMs: number;
  readonly eventsOlderThanMs: number;
}

export interface RetentionResult {
  readonly stats: number;
  readonly events: number;
}

export interface ClassConfidenceOptions {
  readonly group?: string;
  readonly modelName?: string;
  readonly modelVersion?: number;
  /** Inclusive, device time (ms). */
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
}

/** Averages of a group's stats messages in a window (for one model version). */
export interface StatsSummary {
  readonly messages: number;
  readonly devices: number;
  readonly fps: number;
  readonly inferenceP95Ms: number;
  readonly glassToGpioP95Ms: number;
}

export interface ClassConfidence {
  readonly label: string;
  readonly count: number;
  /** Count-weighted mean of the per-message means. */
  readonly meanScore: number;
  /** The 10-bin histograms summed. */
  readonly hist: readonly number[];
}

export interface StoredEvent {
  readonly event: EventPayload;
  readonly receivedAt: number;
}

export interface ListEventsOptions {
  readonly deviceId?: string;
  /** Device time (ms), inclusive. */
  readonly since?: number;
  readonly limit: number;
}

/** A sample without its JPEG: the JPEG goes to the blob store. */
export type SampleMeta = Omit<SamplePayload, 'jpeg'>;

export interface LabelBox {
  readonly label: string;
  readonly box: DetectionPayload['box'];
}

export interface StoredSample {
  readonly meta: SampleMeta;
  readonly receivedAt: number;
  readonly blobKey: string;
  readonly labels: readonly LabelBox[] | null;
  /** Who labelled it: "human", "synthetic-truth", ... */
  readonly labelSource: string | null;
}

export interface ListSamplesOptions {
  readonly deviceId?: string;
  /** Devices of this group (as their last status says). */
  readonly group?: string;
  /** Device time (ms), inclusive. */
  readonly since?: number;
  /** Device time (ms), exclusive. */
  readonly before?: number;
  readonly labelled?: boolean;
  readonly limit: number;
}

export interface FirstStatsOptions {
  readonly group?: string;
  readonly modelName: string;
  readonly modelVersion: number;
}

export interface ModelRecord {
  readonly name: string;
  readonly version: number;
  readonly sha256: string;
  readonly size: number;
  readonly path: string;
  readonly labels: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  /** ms since the epoch. */
  readonly createdAt: number;
  /** The signed manifest JSON text, once published. */
  readonly manifest?: string | null;
}

/** `rejected`: the job ran to the end and its candidate did not pass the evaluation gate. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'rejected', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  readonly params: unknown;
  readonly createdAt: number;
}

export interface JobPatch {
  readonly status?: JobStatus;
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
  readonly result?: unknown;
  readonly error?: string | null;
}

export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly params: unknown;
  readonly status: JobStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly result: unknown;
  readonly error: string | null;
}

export interface JobLogLine {
  readonly ts: number;
  readonly line: string;
}

export interface Store {
  /** Applies pending migrations (each once, in a transaction). */
  open(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;

  /** A status older than the one stored changes only last-seen (QoS 1 and retained messages may replay). */
  upsertStatus(status: StatusPayload, receivedAt: number): Promise<void>;
  upsertState(state: StatePayload): Promise<void>;
  /** The device's last model update state (newest by device time). */
  upsertUpdate(update: UpdatePayload): Promise<void>;
  listDevices(options: ListDevicesOptions): Promise<DeviceSummary[]>;
  getDevice(deviceId: string, liveness: LivenessOptions): Promise<DeviceDetail | undefined>;

  /** Returns whether the row is new: (deviceId, ts) is unique, so a redelivered message is stored once. */
  insertStats(stats: StatsPayload, receivedAt: number): Promise<boolean>;
  /** One transaction for many messages (ingest throughput). Returns the rows that were new. */
  insertStatsBatch(rows: readonly StatsRow[]): Promise<number>;
  statsSeries(deviceId: string, options: SeriesOptions): Promise<SeriesPoint[]>;
  /** Deletes by receive time, so a device with a wrong clock cannot keep or lose rows. */
  applyRetention(options: RetentionOptions): Promise<RetentionResult>;
  classConfidence(options: ClassConfidenceOptions): Promise<ClassConfidence[]>;
  /** Means over a group's stats in a window, or undefined when there are none. */
  statsSummary(options: ClassConfidenceOptions): Promise<StatsSummary | undefined>;
  /** Device time of the first stats row of a model version (in a group): where its baseline starts. */
  firstStatsTs(options: FirstStatsOptions): Promise<number | undefined>;

  /** Returns whether the event is new. */
  insertEvent(event: EventPayload, receivedAt: number): Promise<boolean>;
  /** Newest first. */
  listEvents(options: ListEventsOptions): Promise<StoredEvent[]>;

  /** Returns whether the sample is new. */
  insertSample(meta: SampleMeta, jpeg: Uint8Array, receivedAt: number): Promise<boolean>;
  /** Returns whether the sample exists. */
  setSampleLabels(deviceId: string, id: string, labels: readonly LabelBox[], source: string): Promise<boolean>;
  /** Newest first. */
  listSamples(options: ListSamplesOptions): Promise<StoredSample[]>;
  getSample(deviceId: string, id: string): Promise<StoredSample | undefined>;
  getSampleJpeg(deviceId: string, id: string): Promise<Uint8Array | undefined>;

  upsertModel(model: ModelRecord): Promise<void>;
  /** By name, then version. */
  listModels(): Promise<ModelRecord[]>;
  /** A job id used before: LookoutError STORE_DUPLICATE_JOB. */
  createJob(job: NewJob): Promise<JobRecord>;
  /** Returns the job after the patch, or undefined when there is no such job. */
  updateJob(id: string, patch: JobPatch): Promise<JobRecord | undefined>;
  /** Newest first. */
  listJobs(): Promise<JobRecord[]>;
  /** Returns false when there is no such job. */
  appendJobLog(id: string, line: string, ts: number): Promise<boolean>;
  jobLog(id: string): Promise<JobLogLine[]>;
}
