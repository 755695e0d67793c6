/**
 * Stats go to the store in batches: one transaction per few hundred messages is what makes tens of thousands
 * of messages a second possible (one commit each would cap SQLite at a few thousand). A batch is written when
 * it is full or `maxDelayMs` after its first row. While a write is in progress new rows gather for the next
 * one; past `maxPending` rows the caller is handed a promise to wait on, so a slow store slows the intake
 * (and the broker holds the rest) instead of growing memory.
 */
import type { StatsRow } from '../store/store.ts';
import { systemTimers, type TimerHandle, type Timers } from '../../util/timers.ts';

export interface StatsBatcherOptions {
  readonly maxRows: number;
  readonly maxDelayMs: number;
  /** Rows waiting beyond which `add` asks the caller to wait. */
  readonly maxPending: number;
}

/** Writes one batch, retrying as it sees fit; returns how many rows were new. Rejects only when giving up. */
export type WriteBatch = (rows: readonly StatsRow[]) => Promise<number>;

export class StatsBatcher {
  private rows: StatsRow[] = [];
  private timer: TimerHandle | undefined;
  private writing: Promise<void> | undefined;
  written = 0;
  duplicates = 0;
  failed = 0;

  constructor(
    private readonly write: WriteBatch,
    private readonly options: StatsBatcherOptions,
    private readonly onError: (error: unknown, rows: number) => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  get pending(): number {
    return this.rows.length;
  }

  /** Returns a promise when the caller should wait before handing over more rows. */
  add(row: StatsRow): Promise<void> | undefined {
    this.rows.push(row);
    if (this.rows.length >= this.options.maxRows) this.kick();
    else this.timer ??= this.timers.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.options.maxDelayMs);
    if (this.rows.length >= this.options.maxPending) return this.writing ?? this.flush();
    return undefined;
  }

  /** Writes everything handed over so far. */
  async flush(): Promise<void> {
    while (this.writing !== undefined || this.rows.length > 0) {
      if (this.writing === undefined) this.kick();
      await this.writing;
    }
  }

  private kick(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing !== undefined || this.rows.length === 0) return;
    const batch = this.rows.length <= this.options.maxRows ? this.rows : this.rows.slice(0, this.options.maxRows);
    this.rows = batch === this.rows ? [] : this.rows.slice(batch.length);
    this.writing = this.write(batch).then(
      (added) => {
        this.written += added;
        this.duplicates += batch.length - added;
      },
      (e: unknown) => {
        this.failed += batch.length;
        this.onError(e, batch.length);
      },
    ).finally(() => {
      this.writing = undefined;
      if (this.rows.length >= this.options.maxRows) this.kick();
      else if (this.rows.length > 0) this.timer ??= this.timers.setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.options.maxDelayMs);
    });
  }
}
