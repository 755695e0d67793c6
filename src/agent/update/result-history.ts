/**
 * The pipeline's recent results as the updater judges them: when each finished and how long its inference
 * took. A ring of typed arrays, filled per frame without allocating; summaries are computed on demand.
 */
export interface PerformanceSummary {
  /** Results in the window. */
  readonly count: number;
  /** Results per second over the window, or null for an empty window. */
  readonly fps: number | null;
  /** Nearest-rank p95 of inference milliseconds, or null with no result. */
  readonly p95InferenceMs: number | null;
}

/** Nearest-rank 95th percentile, or null for no values. Sorts `values` in place. */
export function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(0.95 * values.length) - 1))]!;
}

export class ResultHistory {
  private readonly seq: Float64Array;
  private readonly doneAt: Float64Array;
  private readonly inferenceMs: Float64Array;
  private next = 0;
  private filled = 0;

  /** A minute at 100 fps (a Jetson with TensorRT) and more: probation windows of the default length fit. */
  constructor(capacity = 8192) {
    this.seq = new Float64Array(capacity);
    this.doneAt = new Float64Array(capacity);
    this.inferenceMs = new Float64Array(capacity);
  }

  record(seq: number, doneAt: number, inferenceMs: number): void {
    this.seq[this.next] = seq;
    this.doneAt[this.next] = doneAt;
    this.inferenceMs[this.next] = inferenceMs;
    this.next = (this.next + 1) % this.seq.length;
    if (this.filled < this.seq.length) this.filled++;
  }

  /** Whether the ring has wrapped: results older than the oldest held are gone. */
  get full(): boolean {
    return this.filled === this.seq.length;
  }

  /** When the oldest result held finished, or undefined when none is held. */
  oldestAt(): number | undefined {
    if (this.filled === 0) return undefined;
    const capacity = this.seq.length;
    return this.doneAt[(this.next - this.filled + capacity) % capacity];
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }

  /**
   * Results finished in [fromMs, toMs] of frames after `afterSeq`; the rate is their count over the window's
   * length (so a model that finishes one frame in the window reads as slow as it is), or over the part of it
   * the ring still holds.
   */
  summary(fromMs: number, toMs: number, afterSeq = Number.NEGATIVE_INFINITY): PerformanceSummary {
    const latencies: number[] = [];
    const capacity = this.seq.length;
    const first = (this.next - this.filled + capacity) % capacity;
    for (let k = 0; k < this.filled; k++) {
      const i = (first + k) % capacity;
      const at = this.doneAt[i]!;
      if (at < fromMs || at > toMs || this.seq[i]! <= afterSeq) continue;
      latencies.push(this.inferenceMs[i]!);
    }
    const count = latencies.length;
    const p95InferenceMs = p95(latencies);
    const oldest = this.oldestAt();
    const from = this.full && oldest !== undefined ? Math.max(fromMs, oldest) : fromMs;
    const fps = toMs > from ? (count * 1000) / (toMs - from) : null;
    return { count, fps, p95InferenceMs };
  }
}
