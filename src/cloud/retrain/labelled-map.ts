/**
 * mAP@0.5 of what the devices predicted on labelled samples: the samples carry the model's predictions, so the
 * figure costs no inference. Labels and predictions are matched by class name.
 */
import { DetectionMetrics, type ScoredBox, type TruthBox } from '../../agent/detect/metrics.ts';
import type { LabelBox, StoredSample } from '../store/store.ts';

/** The labels a sample carries: stored ones (human, teacher) first, then the synthetic scene's truth. */
export function sampleLabels(sample: StoredSample): readonly LabelBox[] | undefined {
  return sample.labels ?? sample.meta.syntheticTruth;
}

export function labelledMap50(samples: readonly StoredSample[]): { samples: number; map50: number } | null {
  const ids = new Map<string, number>();
  const id = (label: string): number => {
    let n = ids.get(label);
    if (n === undefined) {
      n = ids.size;
      ids.set(label, n);
    }
    return n;
  };
  const metrics = new DetectionMetrics();
  let used = 0;
  for (const sample of samples) {
    const labels = sampleLabels(sample);
    if (labels === undefined) continue;
    used++;
    const truths: TruthBox[] = labels.map((l) => ({ classId: id(l.label), box: [...l.box] }));
    const predictions: ScoredBox[] = sample.meta.predictions.map((p) => ({ classId: id(p.label), score: p.score, box: [...p.box] }));
    metrics.add(predictions, truths);
  }
  return used === 0 ? null : { samples: used, map50: metrics.summary().map50 };
}
