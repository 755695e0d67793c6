/**
 * Models that failed on this device for a reason of their own (they do not load, crash, run too slowly...):
 * kept in refused.json so neither a retained republish nor a restart runs them through an update again.
 * A refusal is reported once per run (REFUSED_BEFORE), then the manifest is ignored.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Manifest } from '../../protocol/manifest.ts';
import type { ModelStore, RefusedModel } from './model-store.ts';

/** Faults of the model itself on this device, as opposed to the network, the disk or the manifest. */
export const MODEL_FAULTS: ReadonlySet<string> = new Set(['LOAD_FAILED', 'WORKER_CRASHED', 'LABELS_MISMATCH', 'INPUT_MISMATCH', 'CRASHED', 'PROVIDER_FALLBACK', 'FPS_DROP', 'TOO_SLOW']);

const keyOf = (m: Pick<RefusedModel, 'version' | 'sha256'>): string => `${m.version}:${m.sha256}`;

export class Refusals {
  private list: RefusedModel[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly store: ModelStore, private readonly logger: Logger) {}

  async load(): Promise<void> {
    this.list = await this.store.readRefused();
  }

  /**
   * The earlier refusal of this manifest's model, the first time it is asked about in this run; undefined when
   * there is none or it was reported already (`seen` then says so).
   */
  check(manifest: Manifest): { refusal: RefusedModel | undefined; seen: boolean } {
    const refusal = this.list.find((r) => r.version === manifest.version && r.sha256 === manifest.sha256);
    if (refusal === undefined) return { refusal: undefined, seen: false };
    const key = keyOf(refusal);
    if (this.reported.has(key)) return { refusal: undefined, seen: true };
    this.reported.add(key);
    return { refusal, seen: false };
  }

  /** Remembers a model fault (others are not the model's and are not remembered). */
  remember(manifest: Manifest, code: string, ts: number): void {
    if (!MODEL_FAULTS.has(code)) return;
    const entry: RefusedModel = { name: manifest.name, version: manifest.version, sha256: manifest.sha256, code, ts };
    this.list.push(entry);
    this.reported.add(keyOf(entry));
    this.store.addRefused(entry).catch((e: unknown) => {
      this.logger.warn({ err: errorMessage(e) }, 'refused model not recorded');
    });
  }
}
