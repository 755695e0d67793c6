/**
 * Appends group-commit batches to the newest segment file: one write and one fdatasync per batch, plus a
 * directory fsync when the batch starts a new file (POSIX: a new name is durable only once its directory is
 * synced). A new file starts with the first batch after the current one has passed `segmentBytes`.
 *
 * After a failed write or sync the file is cut back to its last good size and abandoned: the next batch starts
 * a new segment. Retrying fsync on the same file is not safe (Linux may report a writeback error once and then
 * drop the dirty pages, the "fsyncgate" discussion of 2018), so the batch is written again elsewhere.
 */
import { join } from 'node:path';
import { errorMessage } from '../../../errors.ts';
import type { Logger } from '../../../log.ts';
import { SEGMENT_HEADER_BYTES, writeSegmentHeader } from './frame-codec.ts';
import type { OutboxFile, OutboxFs } from './fs-port.ts';
import { Segment, type SegmentList } from './segment.ts';

export interface SegmentWriterDeps {
  readonly dir: string;
  readonly fs: OutboxFs;
  readonly segments: SegmentList;
  readonly segmentBytes: number;
  readonly logger: Logger;
}

export class SegmentWriter {
  private readonly deps: SegmentWriterDeps;
  private file: OutboxFile | undefined;
  private segment: Segment | undefined;

  constructor(deps: SegmentWriterDeps) {
    this.deps = deps;
  }

  /** The segment batches are appended to now; undefined after a failure or a full segment (the next batch starts one). */
  get current(): Segment | undefined {
    return this.segment;
  }

  /**
   * Makes `batch[SEGMENT_HEADER_BYTES, end)` durable. The first `SEGMENT_HEADER_BYTES` of `batch` are reserved:
   * the header goes there when the batch opens a new file, so that too is one write. `seqHint` is the first
   * record id in the batch, which names a new file when no higher name has been used.
   */
  async append(batch: Buffer, end: number, seqHint: number): Promise<Segment> {
    const { fs, dir, segments } = this.deps;
    let file = this.file;
    let segment = this.segment;
    const created = file === undefined || segment === undefined;
    if (file === undefined || segment === undefined) {
      segment = new Segment(Math.max(seqHint, segments.nextSeq), 0);
      segments.noteSeq(segment.seq);
      file = await fs.create(join(dir, segment.fileName));
      writeSegmentHeader(batch, 0);
    }
    const start = created ? 0 : SEGMENT_HEADER_BYTES;
    try {
      for (let off = start; off < end; ) {
        const n = await file.write(batch, off, end - off);
        if (n <= 0) throw new Error(`write returned ${n}`);
        off += n;
      }
      await file.datasync();
      if (created) await fs.syncDir(dir);
    } catch (e) {
      await this.abandon(file, segment, created);
      throw e;
    }
    segment.size += end - start;
    if (created) {
      segments.add(segment);
      this.file = file;
      this.segment = segment;
    }
    if (segment.size >= this.deps.segmentBytes) await this.close();
    return segment;
  }

  /** Closes the current file; the next batch starts a new segment. */
  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    this.segment = undefined;
    if (file !== undefined) await file.close();
  }

  private async abandon(file: OutboxFile, segment: Segment, created: boolean): Promise<void> {
    const { fs, dir, logger } = this.deps;
    this.file = undefined;
    this.segment = undefined;
    try {
      if (created) {
        await file.close();
        await fs.unlink(join(dir, segment.fileName));
      } else {
        await file.truncate(segment.size);
        await file.close();
      }
    } catch (e) {
      // What is left after a failed write is a damaged tail that recovery skips and counts.
      logger.warn({ file: segment.fileName, err: errorMessage(e) }, 'outbox: could not clean up after a failed write');
    }
  }
}
