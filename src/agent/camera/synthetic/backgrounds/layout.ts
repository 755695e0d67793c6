/**
 * What a background tells the object placer: where the ground is, how big things are at each depth, which
 * shapes stand in front of the objects, and how likely each class is in this kind of place.
 */
import type { BackgroundFamily } from '../domain.ts';
import type { Shape } from './shapes.ts';

export interface SceneLayout {
  readonly family: BackgroundFamily;
  /** The horizon row: things shrink to nothing there. */
  readonly horizon: number;
  /** The highest row (furthest from the camera) an object's feet may touch. */
  readonly groundTop: number;
  /** A person's height in pixels per pixel that their feet are below the horizon. */
  readonly scale: number;
  /** Drawn after the objects, over them (poles, bushes in front of the camera). */
  readonly occluders: readonly Shape[];
  /** Relative odds of person, car, dog in this place. */
  readonly classWeights: readonly [number, number, number];
}

/** Real heights relative to a person's: objects of one class at one depth have one size (simple perspective). */
export const CLASS_HEIGHT: readonly [number, number, number] = [1, 0.85, 0.42];
