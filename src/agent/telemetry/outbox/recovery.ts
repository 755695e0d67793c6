/**
 * Opening an outbox directory: replays every segment in creation order and rebuilds the unacknowledged
 * records, repairing what an interrupted run can leave behind.
 *
 * - The last segment is the only one that was being appended to, so bytes at its end that hold no valid frame
 *   are a write torn by power loss or SIGKILL: they are cut off (that batch was never reported durable).
 * - A damaged stretch with valid frames after it, or at the end of an older segment, is bit rot: skipped and
 *   counted, and the file is left as it is.
 * - A file with a missing or unknown header is not ours to interpret: renamed to `*.corrupt`, never deleted.
 *   The exception is a last file shorter than a header whose bytes match one: the process died between
 *   creating it and writing its first batch, so it holds nothing.
 * - Leftover `*.tmp` files are compactions that never reached their rename; the segment they were rewriting is
 *   still there, whole, so they are removed.
 */
import { join } from 'node:path';
import { LookoutError, errorMessage } from '../../../errors.ts';
import { KIND_PUT, checkSegmentHeader } from './frame-codec.ts';
import type { OutboxFs } from './fs-port.ts';
import { LiveRecord } from './live-record.ts';
import { scanSegment } from './segment-scan.ts';
import { SEGMENT_SUFFIX, Segment, SegmentList, segmentSeqOf } from './segment.ts';
import { PRIORITIES, type OutboxRecovery } from './types.ts';

export const TMP_SUFFIX = '.tmp';

export interface Recovered {
  readonly segments: SegmentList;
  /** Unacknowledged records in id order, state 'queued'. */
  readonly records: LiveRecord[];
  /** The first id the outbox may hand out: above every id and segment name seen on disk. */
  readonly nextId: number;
  readonly report: OutboxRecovery;
}

export async function recoverOutbox(dir: string, fs: OutboxFs): Promise<Recovered> {
  const names = await listDir(dir, fs);
  const report: OutboxRecovery = { segments: 0, records: 0, corruptRecordsSkipped: 0, truncatedBytes: 0, movedAside: [], deletedSegments: 0 };
  const segments = new SegmentList();
  const live = new Map<number, LiveRecord>();
  let maxId = 0;
  let changedDir = false;

  const segmentFiles: { name: string; seq: number }[] = [];
  for (const name of names) {
    if (name.endsWith(SEGMENT_SUFFIX + TMP_SUFFIX)) {
      await fs.unlink(join(dir, name));
      changedDir = true;
      continue;
    }
    const seq = segmentSeqOf(name);
    if (seq === undefined) continue;
    segments.noteSeq(seq);
    if (name.endsWith(SEGMENT_SUFFIX)) segmentFiles.push({ name, seq });
  }
  segmentFiles.sort((a, b) => a.seq - b.seq);

  for (const [index, { name, seq }] of segmentFiles.entries()) {
    const path = join(dir, name);
    const isLast = index === segmentFiles.length - 1;
    const bytes = await readSegment(path, fs);
    const header = checkSegmentHeader(bytes);
    if (header === 'torn' && isLast) {
      await fs.unlink(path);
      report.truncatedBytes += bytes.length;
      changedDir = true;
      continue;
    }
    if (header !== 'ok') {
      report.movedAside.push(await moveAside(dir, name, names, fs));
      changedDir = true;
      continue;
    }
    const segment = new Segment(seq, bytes.length);
    const scan = scanSegment(bytes, (frame, _pos, size) => {
      if (frame.id > maxId) maxId = frame.id;
      if (frame.kind === KIND_PUT) {
        if (live.has(frame.id)) return; // a batch written again after a failed fsync: the first copy stands
        const record = new LiveRecord(frame.id, frame.priority, PRIORITIES.indexOf(frame.priority), frame.topic, Buffer.byteLength(frame.topic), frame.payload, frame.enqueuedAt, 'queued');
        record.segment = segment;
        record.frameBytes = size;
        segment.notePut(frame.id, size);
        live.set(frame.id, record);
        return;
      }
      const record = live.get(frame.id);
      if (record?.segment === undefined) return; // its PUT's segment is already gone
      live.delete(frame.id);
      record.state = 'gone';
      record.segment.releasePut(record.frameBytes);
      record.segment.addResolution(segment);
    });
    report.corruptRecordsSkipped += scan.corruptStretches;
    if (scan.validEnd < bytes.length) {
      if (isLast) {
        await fs.truncate(path, scan.validEnd);
        report.truncatedBytes += bytes.length - scan.validEnd;
        segment.size = scan.validEnd;
      } else {
        report.corruptRecordsSkipped++;
      }
    }
    segments.add(segment);
    report.segments++;
  }
  if (changedDir) await fs.syncDir(dir);

  const records = [...live.values()].sort((a, b) => a.id - b.id);
  report.records = records.length;
  return { segments, records, nextId: Math.max(maxId, segments.nextSeq - 1) + 1, report };
}

async function listDir(dir: string, fs: OutboxFs): Promise<string[]> {
  try {
    await fs.mkdir(dir);
    return await fs.list(dir);
  } catch (e) {
    throw new LookoutError('telemetry', 'OUTBOX_DIR_UNUSABLE', `outbox directory ${dir} cannot be created or read: ${errorMessage(e)}`, { where: dir, cause: e });
  }
}

async function readSegment(path: string, fs: OutboxFs): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new LookoutError('telemetry', 'OUTBOX_READ_FAILED', `outbox segment ${path} cannot be read: ${errorMessage(e)}`, { where: path, cause: e });
  }
}

/** Renames `name` to `name.corrupt` (or `.corrupt.N` when that is taken) and returns the new name. */
async function moveAside(dir: string, name: string, taken: readonly string[], fs: OutboxFs): Promise<string> {
  let target = `${name}.corrupt`;
  for (let n = 1; taken.includes(target); n++) target = `${name}.corrupt.${n}`;
  await fs.rename(join(dir, name), join(dir, target));
  return target;
}
