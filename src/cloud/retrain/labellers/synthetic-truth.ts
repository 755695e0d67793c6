/**
 * The simulated world's ground truth, carried by samples from the synthetic camera only. It stands in for a
 * human labeller in the demo and the tests, and is recorded as `synthetic-truth` wherever it is used, so a
 * model trained on it is never mistaken for one trained on human labels.
 */
import type { LabelBox, StoredSample } from '../../store/store.ts';
import type { Labeller } from './labeller.ts';

export class SyntheticTruthLabeller implements Labeller {
  readonly source = 'synthetic-truth';

  label(sample: StoredSample): Promise<readonly LabelBox[] | undefined> {
    return Promise.resolve(sample.meta.syntheticTruth);
  }
}
