/**
 * What the outbox knows about one segment file, and the bookkeeping that decides when it may be deleted.
 *
 * A segment can go once none of its PUTs is live AND none of its ACK/DROP frames still matters: an ACK written
 * in segment B for a record stored in segment A must outlive A, or the record would come back after a restart
 * (replay would find A's PUT and no ACK). So each segment counts its frames that resolve records of other,
 * still-present segments (`refsOut`), and each segment remembers which segments hold resolutions of its records
 * (`resolvedFrom`), to release those counts when it is deleted. Segments are deleted one at a time with a
 * directory fsync in between, so the on-disk order of deletions is the order decided here.
 */
export const SEGMENT_SUFFIX = '.seg';
const NAME_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits, so names sort as numbers

export function segmentFileName(seq: number): string {
  return String(seq).padStart(NAME_DIGITS, '0') + SEGMENT_SUFFIX;
}

/** The sequence number of a segment file name (also of `<name>.corrupt`), or undefined for other files. */
export function segmentSeqOf(fileName: string): number | undefined {
  const m = /^(\d{16})\.seg(\.corrupt(?:\.\d+)?)?$/.exec(fileName);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export class Segment {
  /** Increasing in creation order; the first record id it was created for (or a higher unused number). */
  readonly seq: number;
  readonly fileName: string;
  size: number;
  /** PUT frames here whose records are neither acknowledged nor dropped. */
  livePuts = 0;
  /** The frame bytes of those PUTs: what compaction would keep. */
  liveFrameBytes = 0;
  /** ACK/DROP frames here that resolve records stored in other segments still on disk. */
  refsOut = 0;
  /** Segments holding ACK/DROP frames for records stored here, with how many. */
  readonly resolvedFrom = new Map<Segment, number>();
  /** The id range of the PUTs written here (ids are assigned in order, so ranges never overlap). */
  minPutId = Number.POSITIVE_INFINITY;
  maxPutId = Number.NEGATIVE_INFINITY;
  deleted = false;

  constructor(seq: number, size: number) {
    this.seq = seq;
    this.fileName = segmentFileName(seq);
    this.size = size;
  }

  notePut(id: number, frameBytes: number): void {
    this.livePuts++;
    this.liveFrameBytes += frameBytes;
    if (id < this.minPutId) this.minPutId = id;
    if (id > this.maxPutId) this.maxPutId = id;
  }

  /** A record stored here was acknowledged or dropped. */
  releasePut(frameBytes: number): void {
    this.livePuts--;
    this.liveFrameBytes -= frameBytes;
  }

  /** `holder` now contains a durable ACK/DROP frame for a record stored in this segment. */
  addResolution(holder: Segment): void {
    if (holder === this || this.deleted) return;
    holder.refsOut++;
    this.resolvedFrom.set(holder, (this.resolvedFrom.get(holder) ?? 0) + 1);
  }

  /** Whether deleting the file loses nothing; the caller also keeps the newest segment. */
  get dead(): boolean {
    return !this.deleted && this.livePuts === 0 && this.refsOut === 0;
  }

  /** Marks the segment deleted and releases the resolutions other segments held for it. */
  markDeleted(): void {
    this.deleted = true;
    for (const [holder, n] of this.resolvedFrom) holder.refsOut -= n;
    this.resolvedFrom.clear();
  }
}

/** The segment files on disk, oldest first. The newest is the one being appended to and is never deleted. */
export class SegmentList {
  readonly items: Segment[] = [];
  /** The highest sequence number any file in the directory has had (corrupt ones included). */
  private highestSeq = 0;

  add(segment: Segment): void {
    this.items.push(segment);
    this.noteSeq(segment.seq);
  }

  remove(segment: Segment): void {
    const i = this.items.indexOf(segment);
    if (i >= 0) this.items.splice(i, 1);
  }

  noteSeq(seq: number): void {
    if (seq > this.highestSeq) this.highestSeq = seq;
  }

  /** The lowest sequence number a new segment may take. */
  get nextSeq(): number {
    return this.highestSeq + 1;
  }

  get newest(): Segment | undefined {
    return this.items.at(-1);
  }

  get diskBytes(): number {
    let total = 0;
    for (const s of this.items) total += s.size;
    return total;
  }

  /** The segment other than `except` whose PUT id range covers `id`. */
  holderOf(id: number, except: Segment): Segment | undefined {
    return this.items.find((s) => s !== except && s.minPutId <= id && id <= s.maxPutId);
  }
}
