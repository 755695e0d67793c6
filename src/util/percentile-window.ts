/**
 * A fixed-capacity window of samples (a ring) with percentiles on demand. Recording is O(1) with no
 * allocation (it runs per frame); percentiles sort a copy, which happens once per stats interval.
 */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export class PercentileWindow {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity = 4096) {
    this.ring = new Float64Array(capacity);
  }

  record(value: number): void {
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    if (this.filled < this.ring.length) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  reset(): void {
    this.next = 0;
    this.filled = 0;
  }

  /** Nearest-rank percentiles of the samples in the window; zeros when it is empty. */
  percentiles(): Percentiles {
    if (this.filled === 0) return { p50: 0, p95: 0, p99: 0, count: 0 };
    const sorted = this.ring.slice(0, this.filled).sort();
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
    return { p50: at(50), p95: at(95), p99: at(99), count: this.filled };
  }
}
