/**
 * The classes the synthetic generator draws and the ground truth it reports. Leaf module.
 */
import type { BoxXYXY } from '../../detect/types.ts';

/** Class ids are the indices of this list; data sets and the bundled model use the same order. */
export const SYNTH_LABELS = ['person', 'car', 'dog'] as const;

export type SynthLabel = (typeof SYNTH_LABELS)[number];

export const CLASS_PERSON = 0;
export const CLASS_CAR = 1;
export const CLASS_DOG = 2;

export type SynthClassId = typeof CLASS_PERSON | typeof CLASS_CAR | typeof CLASS_DOG;

export interface GroundTruth {
  readonly classId: SynthClassId;
  readonly label: SynthLabel;
  /**
   * The tight box of the object's visible pixels, as pixel edges: x1/y1 is the first visible column/row and
   * x2/y2 is one past the last (so `x2 - x1` is the visible width in pixels), within [0, width] x [0, height].
   */
  readonly box: BoxXYXY;
  /** Visible pixels / pixels the object would cover unoccluded and unclipped (0..1). */
  readonly visibility: number;
}
