/**
 * Keeps the directory small: deletes segments that hold nothing live, and compacts mostly-dead ones when the
 * directory has grown well past what the live records need.
 *
 * Deletions go one at a time, each followed by a directory fsync, because their order matters (see
 * segment.ts: the segment holding an ACK must disappear after the segment holding its PUT).
 *
 * Compaction exists for one pattern: a long disconnection where samples are dropped oldest-first while alarms
 * and events are kept, leaving segments that are mostly dead but pinned by a few live records. It rewrites the
 * live PUTs, plus the ACK/DROP frames still needed by other segments, into `<name>.tmp`, syncs it and renames
 * it over the original (rename(2) is atomic, so a crash leaves either file, both complete). The name keeps its
 * sequence number, so replay order is unchanged. It costs a rewrite of live data, so it runs only past
 * `compactAboveBytes` of segments on disk and only on segments less than half live.
 */
import { join } from 'node:path';
import type { Logger } from '../../../log.ts';
import { KIND_PUT, SEGMENT_HEADER_BYTES, checkSegmentHeader } from './frame-codec.ts';
import type { OutboxFs } from './fs-port.ts';
import { TMP_SUFFIX } from './recovery.ts';
import { scanSegment } from './segment-scan.ts';
import type { Segment, SegmentList } from './segment.ts';

export interface SegmentJanitorDeps {
  readonly dir: string;
  readonly fs: OutboxFs;
  readonly segments: SegmentList;
  readonly logger: Logger;
  readonly compactAboveBytes: number;
  /** Whether the record `id` is live and its PUT is stored in `segment`. */
  readonly isLiveIn: (id: number, segment: Segment) => boolean;
  /**
   * Whether the newest segment may go when dead: only while writes fail and the writer has let go of it. It
   * otherwise stays, as the file whose name keeps the id sequence across restarts.
   */
  readonly mayDeleteNewest: () => boolean;
}

export class SegmentJanitor {
  private readonly deps: SegmentJanitorDeps;

  constructor(deps: SegmentJanitorDeps) {
    this.deps = deps;
  }

  /** Whether `run()` would find anything to do. Cheap: a pass over the (few) segments. */
  get hasWork(): boolean {
    return this.nextDead() !== undefined || this.nextToCompact() !== undefined;
  }

  /** Deletes and compacts until nothing qualifies; returns how many segments were deleted. */
  async run(): Promise<number> {
    const { dir, fs, segments } = this.deps;
    let deleted = 0;
    for (let dead = this.nextDead(); dead !== undefined; dead = this.nextDead()) {
      await fs.unlink(join(dir, dead.fileName));
      await fs.syncDir(dir);
      dead.markDeleted();
      segments.remove(dead);
      deleted++;
    }
    for (let target = this.nextToCompact(); target !== undefined; target = this.nextToCompact()) {
      const before = target.size;
      await this.compact(target);
      if (target.size >= before) break; // nothing came off: do not spin
    }
    return deleted;
  }

  /** On a full disk the newest file may be the only space an acknowledged backlog can give back. */
  private nextDead(): Segment | undefined {
    const items = this.deps.segments.items;
    const last = this.deps.mayDeleteNewest() ? items.length : items.length - 1;
    for (let i = 0; i < last; i++) if (items[i]!.dead) return items[i];
    return undefined;
  }

  private nextToCompact(): Segment | undefined {
    const { segments, compactAboveBytes } = this.deps;
    if (segments.diskBytes <= compactAboveBytes) return undefined;
    let best: Segment | undefined;
    for (const s of segments.items) {
      if (s === segments.newest || s.liveFrameBytes * 2 >= s.size - SEGMENT_HEADER_BYTES) continue;
      if (best === undefined || s.size - s.liveFrameBytes > best.size - best.liveFrameBytes) best = s;
    }
    return best;
  }

  private async compact(segment: Segment): Promise<void> {
    const { dir, fs, segments, logger, isLiveIn } = this.deps;
    const path = join(dir, segment.fileName);
    const bytes = await fs.readFile(path);
    if (checkSegmentHeader(bytes) !== 'ok') throw new Error(`${segment.fileName} lost its header`);
    const keep: { start: number; length: number }[] = [];
    let size = SEGMENT_HEADER_BYTES;
    scanSegment(bytes, (frame, start, length) => {
      const needed = frame.kind === KIND_PUT ? isLiveIn(frame.id, segment) : segments.holderOf(frame.id, segment) !== undefined;
      if (!needed) return;
      keep.push({ start, length });
      size += length;
    });
    const out = Buffer.allocUnsafe(size);
    out.set(bytes.subarray(0, SEGMENT_HEADER_BYTES), 0);
    let off = SEGMENT_HEADER_BYTES;
    for (const { start, length } of keep) {
      out.set(bytes.subarray(start, start + length), off);
      off += length;
    }
    const tmp = `${path}${TMP_SUFFIX}`;
    try {
      await writeWhole(fs, tmp, out);
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.unlink(tmp).catch((cleanup: unknown) => {
        logger.debug({ file: tmp, err: String(cleanup) }, 'outbox: no compaction leftover to remove');
      });
      throw e;
    }
    await fs.syncDir(dir);
    logger.info({ file: segment.fileName, before: segment.size, after: size }, 'outbox: compacted a mostly acknowledged segment');
    segment.size = size;
  }
}

async function writeWhole(fs: OutboxFs, path: string, bytes: Uint8Array): Promise<void> {
  const file = await fs.create(path);
  try {
    for (let o = 0; o < bytes.length; ) {
      const n = await file.write(bytes, o, bytes.length - o);
      if (n <= 0) throw new Error(`write returned ${n}`);
      o += n;
    }
    await file.datasync();
  } finally {
    await file.close();
  }
}
