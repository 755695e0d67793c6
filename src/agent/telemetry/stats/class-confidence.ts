/**
 * Per-class confidence summary over one stats interval, the input of the cloud's drift policies: per label,
 * how many detections, their mean score and a 10-bin histogram of scores over 0..1 (bin i holds
 * [i/10, (i+1)/10), the last bin also holds 1.0).
 *
 * Recording runs per frame, so it only adds to typed arrays found through a label → row map. A row is
 * allocated the first time a label is seen (at most once per label for the process's life), never per frame.
 */
export const CONFIDENCE_BINS = 10;

export interface ClassSummary {
  count: number;
  meanScore: number;
  hist: number[];
}

export class ClassConfidence {
  private readonly rows = new Map<string, number>();
  private readonly labels: string[] = [];
  private counts: Uint32Array;
  private sums: Float64Array;
  private hist: Uint32Array;

  /** `labels`: the model's classes, registered up front so the first frames allocate nothing. */
  constructor(labels: readonly string[] = []) {
    const capacity = Math.max(8, labels.length);
    this.counts = new Uint32Array(capacity);
    this.sums = new Float64Array(capacity);
    this.hist = new Uint32Array(capacity * CONFIDENCE_BINS);
    for (const label of labels) this.row(label);
  }

  record(label: string, score: number): void {
    const row = this.rows.get(label) ?? this.row(label);
    // Scores come from a sigmoid and lie in [0, 1]; clamp so a bad model output cannot index past the row.
    const s = score >= 1 ? 1 : score > 0 ? score : 0;
    this.counts[row]!++;
    this.sums[row]! += s;
    const bin = Math.min(CONFIDENCE_BINS - 1, Math.floor(s * CONFIDENCE_BINS));
    this.hist[row * CONFIDENCE_BINS + bin]!++;
  }

  /** The labels detected since the last reset (labels with no detection are left out of the payload). */
  summary(): Record<string, ClassSummary> {
    const out: Record<string, ClassSummary> = {};
    this.labels.forEach((label, row) => {
      const count = this.counts[row]!;
      if (count === 0) return;
      const start = row * CONFIDENCE_BINS;
      // The protocol bounds label keys at 64 characters.
      out[label.slice(0, 64)] = {
        count,
        meanScore: Math.min(1, round4(this.sums[row]! / count)),
        hist: Array.from(this.hist.subarray(start, start + CONFIDENCE_BINS)),
      };
    });
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.sums.fill(0);
    this.hist.fill(0);
  }

  private row(label: string): number {
    const row = this.labels.length;
    if (row === this.counts.length) this.grow(row * 2);
    this.labels.push(label);
    this.rows.set(label, row);
    return row;
  }

  private grow(capacity: number): void {
    const counts = new Uint32Array(capacity);
    counts.set(this.counts);
    const sums = new Float64Array(capacity);
    sums.set(this.sums);
    const hist = new Uint32Array(capacity * CONFIDENCE_BINS);
    hist.set(this.hist);
    this.counts = counts;
    this.sums = sums;
    this.hist = hist;
  }
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
