/**
 * What one object looks like (colours, build, style) independent of where it stands. Drawn from palettes
 * per appearance domain; a live-camera actor keeps its look for its whole walk.
 */
import type { Rgb } from '../color.ts';

export interface PersonLook {
  readonly kind: 'person';
  readonly skin: Rgb;
  readonly hair: Rgb;
  readonly shirt: Rgb;
  /** Second torso colour: stripes or the reflective bands of a hi-vis vest. */
  readonly shirtAccent: Rgb;
  readonly shirtStyle: 'plain' | 'stripes' | 'hivis';
  readonly trousers: Rgb;
  readonly shoes: Rgb;
  readonly skirt: boolean;
  readonly hat: Rgb | null;
  readonly bag: Rgb | null;
  /** Width multiplier (0.85 slim .. 1.2 broad). */
  readonly build: number;
}

export type CarStyle = 'sedan' | 'hatch' | 'suv' | 'van';

export interface CarLook {
  readonly kind: 'car';
  readonly paint: Rgb;
  /** Cabin and roof colour (differs from paint on two-tone cars). */
  readonly roof: Rgb;
  readonly glass: Rgb;
  readonly stripe: Rgb | null;
  readonly style: CarStyle;
  readonly view: 'side' | 'three-quarter';
  readonly tyre: Rgb;
  readonly rim: Rgb;
}

export interface DogLook {
  readonly kind: 'dog';
  readonly fur: Rgb;
  /** Spots, brindle bands, saddle or belly colour, by pattern. */
  readonly furAccent: Rgb;
  readonly pattern: 'plain' | 'belly' | 'saddle' | 'spots' | 'brindle';
  readonly ears: 'up' | 'floppy';
  readonly tail: 'up' | 'down';
  /** Body length over height (1.2 .. 1.8). */
  readonly length: number;
  /** Leg length as a fraction of height (0.28 .. 0.48). */
  readonly legs: number;
  /** Seed for spot placement, so a walking dog keeps its spots. */
  readonly spotSeed: number;
}

export type ObjectLook = PersonLook | CarLook | DogLook;

/** An object placed in a scene. Heights are pixels; (x, y) is the middle of its footprint on the ground. */
export interface PlacedObject {
  readonly look: ObjectLook;
  readonly x: number;
  readonly y: number;
  readonly h: number;
  readonly facing: 1 | -1;
  /** Gait phase in radians (walking legs, running dog); ignored for cars. */
  readonly phase: number;
  /** Standing people face the camera; moving ones are seen from the side. */
  readonly moving: boolean;
}
