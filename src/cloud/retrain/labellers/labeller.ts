/**
 * Where a retraining job's labels come from. A labeller answers for one sample at a time, or says it has no
 * labels for it (the sample is then left out of the data set, never trained on as "no objects").
 */
import type { LabelBox, StoredSample } from '../../store/store.ts';

export interface Labeller {
  /** Recorded with each label set: `human`, `teacher:<model>`, `synthetic-truth`. */
  readonly source: string;
  label(sample: StoredSample, jpeg: () => Promise<Uint8Array>): Promise<readonly LabelBox[] | undefined>;
  close?(): Promise<void>;
}
