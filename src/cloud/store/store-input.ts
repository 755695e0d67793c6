/** Parses each write's input once, the same way for both backends. */
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import {
  eventSchema, MAX_SAMPLE_JPEG_BYTES, sampleSchema, stateSchema, statsSchema, statusSchema, updateSchema, wasChecked,
  type EventPayload, type StatePayload, type StatsPayload, type StatusPayload, type UpdatePayload,
} from '../../protocol/index.ts';
import { sampleBlobKey } from './blob-key.ts';
import type { JobPatch, LabelBox, ModelRecord, NewJob, SampleMeta, StatsRow } from './store.ts';
import { JOB_STATUSES } from './store.ts';
import { labelSourceSchema, labelsSchema, parseInput, receivedAtSchema } from './validate.ts';

const sampleMetaSchema = sampleSchema.omit({ jpeg: true });

const modelSchema = z.object({
  name: z.string().min(1).max(128),
  version: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  path: z.string().min(1).max(4096),
  labels: z.array(z.string().min(1).max(64)),
  metrics: z.record(z.string(), z.number()),
  createdAt: z.number().int().nonnegative(),
  manifest: z.string().nullable().optional(),
});

const newJobSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.string().min(1).max(64),
  params: z.unknown(),
  createdAt: z.number().int().nonnegative(),
});

const jobPatchSchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  startedAt: z.number().int().nonnegative().nullable().optional(),
  finishedAt: z.number().int().nonnegative().nullable().optional(),
  result: z.unknown().optional(),
  error: z.string().nullable().optional(),
});

export const input = {
  status(value: StatusPayload, receivedAt: number): StatusPayload {
    parseInput(receivedAtSchema, receivedAt, 'receivedAt');
    return wasChecked(value) ? value : parseInput(statusSchema, value, 'status');
  },
  state: (value: StatePayload): StatePayload => (wasChecked(value) ? value : parseInput(stateSchema, value, 'state')),
  update: (value: UpdatePayload): UpdatePayload => (wasChecked(value) ? value : parseInput(updateSchema, value, 'update')),
  stats(value: StatsPayload, receivedAt: number, where = 'stats'): StatsPayload {
    parseInput(receivedAtSchema, receivedAt, 'receivedAt');
    return wasChecked(value) ? value : parseInput(statsSchema, value, where);
  },
  /**
   * Parsed, then sorted by (device, ts): concurrent batches then take row locks in one order, so two replicas
   * inserting overlapping batches wait for each other instead of deadlocking.
   */
  statsBatch(rows: readonly StatsRow[]): StatsRow[] {
    return rows
      .map((row, i) => ({ stats: input.stats(row.stats, row.receivedAt, `stats[${i}]`), receivedAt: row.receivedAt }))
      .sort((a, b) => (a.stats.deviceId < b.stats.deviceId ? -1 : a.stats.deviceId > b.stats.deviceId ? 1 : a.stats.ts - b.stats.ts));
  },
  event(value: EventPayload, receivedAt: number): EventPayload {
    parseInput(receivedAtSchema, receivedAt, 'receivedAt');
    return wasChecked(value) ? value : parseInput(eventSchema, value, 'event');
  },
  /** The meta, its blob key (which refuses ids that could name a path) and the JPEG, checked. */
  sample(meta: SampleMeta, jpeg: Uint8Array, receivedAt: number): { meta: SampleMeta; key: string } {
    parseInput(receivedAtSchema, receivedAt, 'receivedAt');
    const parsed = parseInput(sampleMetaSchema, meta, 'sample');
    // JPEG SOI marker FF D8 FF (ITU-T T.81, B.1.1.2).
    if (jpeg.length < 3 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[2] !== 0xff) {
      throw new LookoutError('store', 'STORE_BAD_INPUT', 'sample.jpeg: not a JPEG (no FF D8 FF start)', { where: 'sample.jpeg' });
    }
    if (jpeg.length > MAX_SAMPLE_JPEG_BYTES) {
      throw new LookoutError('store', 'STORE_BAD_INPUT', `sample.jpeg: ${jpeg.length} bytes, over ${MAX_SAMPLE_JPEG_BYTES}`, { where: 'sample.jpeg' });
    }
    return { meta: parsed, key: sampleBlobKey(parsed.deviceId, parsed.ts, parsed.id) };
  },
  labels(labels: readonly LabelBox[], source: string): { labels: LabelBox[]; source: string } {
    return { labels: parseInput(labelsSchema, labels, 'labels'), source: parseInput(labelSourceSchema, source, 'labelSource') };
  },
  model: (value: ModelRecord): ModelRecord => parseInput(modelSchema, value, 'model'),
  job: (value: NewJob): NewJob => parseInput(newJobSchema, value, 'job'),
  jobPatch: (value: JobPatch): JobPatch => parseInput(jobPatchSchema, value, 'jobPatch'),
};

/** Patch keys to columns, JSON-encoded where the column holds JSON. */
export function jobPatchColumns(patch: JobPatch): [string, string | number | null, boolean][] {
  const cols: [string, string | number | null, boolean][] = [];
  if (patch.status !== undefined) cols.push(['status', patch.status, false]);
  if (patch.startedAt !== undefined) cols.push(['started_at', patch.startedAt, false]);
  if (patch.finishedAt !== undefined) cols.push(['finished_at', patch.finishedAt, false]);
  if ('result' in patch) cols.push(['result', patch.result === undefined ? null : JSON.stringify(patch.result), true]);
  if (patch.error !== undefined) cols.push(['error', patch.error, false]);
  return cols;
}

export function duplicateJob(id: string): LookoutError {
  return new LookoutError('store', 'STORE_DUPLICATE_JOB', `job ${JSON.stringify(id)} exists already`, { where: 'job.id' });
}
