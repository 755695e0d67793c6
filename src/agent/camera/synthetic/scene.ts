/**
 * One still scene: background family, 0-6 objects on the ground plane, occluders, then light, blur and noise.
 * Same options, same bytes: everything is drawn from one seeded generator.
 */
import { LookoutError } from '../../../errors.ts';
import type { Frame2D } from './backgrounds/common.ts';
import { drawBackground, pickFamily } from './backgrounds/background.ts';
import type { SceneLayout } from './backgrounds/layout.ts';
import type { Rgb } from './color.ts';
import { Compositor } from './compositor.ts';
import { resolveDomain, type BackgroundFamily, type DomainShift } from './domain.ts';
import { Finisher } from './finish.ts';
import type { GroundTruth } from './labels.ts';
import { drawLighting, NEUTRAL_LIGHTING } from './lighting.ts';
import { Painter } from './painter.ts';
import { objectCount, placeObjects } from './placement.ts';
import { hashSeed, Rng } from './prng.ts';

/** Bumped whenever the same seed would render different bytes. */
export const SYNTH_VERSION = 1;

export const MAX_SCENE_OBJECTS = 6;

export interface SceneOptions {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly domain?: Partial<DomainShift>;
  /** Exact number of objects to try to place (0..6); by default 10% empty, else 1..6. */
  readonly objectCount?: number;
  /** Test aid: a flat background of this colour, no distractors, occluders, light, blur or noise. */
  readonly flatBackground?: Rgb;
  /** Also return the object-id mask (id = index in `objects` + 1, 0 = no object). */
  readonly withMask?: boolean;
}

export interface SceneImage {
  readonly width: number;
  readonly height: number;
  /** Packed RGB24, width * height * 3 bytes. */
  readonly rgb: Uint8Array;
  readonly objects: GroundTruth[];
  readonly family: BackgroundFamily;
  readonly mask?: Uint8Array;
}

export const MIN_SIZE = 16;
export const MAX_SIZE = 8192;

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new LookoutError('camera', 'BAD_SEED', `seed must be an integer in 0..4294967295, got ${seed}`, { where: 'seed' });
  }
}

export function checkSize(width: number, height: number): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < MIN_SIZE || v > MAX_SIZE) {
      throw new LookoutError('camera', 'BAD_SIZE', `${name} must be an integer in ${MIN_SIZE}..${MAX_SIZE}, got ${v}`, { where: name });
    }
  }
}

function flatLayout(f: Frame2D, color: Rgb, p: Painter): SceneLayout {
  p.solid(color).rect(0, 0, f.width, f.height);
  const horizon = 0.35 * f.height;
  return { family: 'street', horizon, groundTop: horizon + 0.03 * f.height, scale: (0.6 * f.height) / (f.height - horizon), occluders: [], classWeights: [1, 1, 1] };
}

export function renderScene(opts: SceneOptions): SceneImage {
  const { width, height } = opts;
  checkSize(width, height);
  checkSeed(opts.seed);
  const domain = resolveDomain(opts.domain);
  const f = { width, height };
  // Independent streams: changing how one part draws does not reshuffle the others.
  const root = new Rng(hashSeed(opts.seed, width, height));
  const bgRng = root.fork();
  const objRng = root.fork();
  const lightRng = root.fork();
  const rgb = new Uint8Array(width * height * 3);
  const painter = new Painter({ rgb, mask: null, width, height });
  const flat = opts.flatBackground !== undefined;
  const family = pickFamily(bgRng, domain.background);
  const layout = flat ? flatLayout(f, opts.flatBackground, painter) : drawBackground(painter, bgRng, f, family, domain.appearance);
  const count = opts.objectCount ?? objectCount(objRng);
  if (!Number.isInteger(count) || count < 0 || count > MAX_SCENE_OBJECTS) {
    throw new LookoutError('camera', 'BAD_OBJECT_COUNT', `objectCount must be an integer in 0..${MAX_SCENE_OBJECTS}, got ${count}`, { where: 'objectCount' });
  }
  const objects = placeObjects(objRng, layout, f, count, domain.appearance);
  const compositor = new Compositor(width, height);
  const composed = compositor.compose(rgb, objects, layout.occluders, true);
  const light = flat ? NEUTRAL_LIGHTING : drawLighting(lightRng, domain.lighting);
  new Finisher().apply(rgb, width, height, light, lightRng.u32());
  const image: SceneImage = { width, height, rgb, objects: composed.objects, family: layout.family };
  if (opts.withMask !== true) return image;
  // Renumber the mask so that id k is objects[k - 1].
  const remap = new Uint8Array(256);
  composed.ids.forEach((id, k) => (remap[id] = k + 1));
  const mask = compositor.mask.map((id) => remap[id]!);
  return { ...image, mask };
}
