/**
 * Who is in view when, for the live camera. Time is cut into 20 s chunks; each chunk's actors come from a
 * generator seeded by (world seed, chunk index), so the scene at any instant is a pure function of the seed
 * and the time (frames can be rendered in any order, and again, identically). Every chunk ends with a quiet
 * spell of 3-6 s with nothing in view, and some chunks are quiet throughout, so rules see objects appear and
 * disappear.
 */
import type { Frame2D } from './backgrounds/common.ts';
import type { SceneLayout } from './backgrounds/layout.ts';
import type { Appearance } from './domain.ts';
import { aspectOf } from './objects/draw-object.ts';
import type { PlacedObject } from './objects/looks.ts';
import { pickClass, randomObject } from './placement.ts';
import { hashSeed, Rng } from './prng.ts';

export const CHUNK_MS = 20_000;

/** Real heights (m) and speeds (m/s) turn pixel heights into pixel speeds at each depth. */
const REAL_HEIGHT = { person: 1.75, car: 1.5, dog: 0.6 } as const;
const SPEED = { person: [0.9, 1.8], car: [4, 11], dog: [1.5, 5] } as const;
/** Gait cycle length in object heights (one full leg swing). */
const STRIDE = { person: 0.9, car: 1, dog: 1.1 } as const;

export interface Actor {
  readonly proto: PlacedObject;
  /** Enter time and the time it has left the frame, ms. */
  readonly start: number;
  readonly end: number;
  readonly x0: number;
  readonly dir: 1 | -1;
  /** Pixels per ms. */
  readonly speed: number;
  /** Pause (ms from start, length ms), or null. */
  readonly pauseAt: number;
  readonly pauseMs: number;
}

export interface ChunkPlan {
  readonly index: number;
  readonly actors: readonly Actor[];
  /** When the closing quiet spell starts (absolute ms). */
  readonly quietFrom: number;
}

export function planChunk(seed: number, index: number, layout: SceneLayout, f: Frame2D, appearance: Appearance): ChunkPlan {
  const rng = new Rng(hashSeed(seed, 0xc4, index));
  const from = index * CHUNK_MS;
  if (rng.chance(0.12)) return { index, actors: [], quietFrom: from };
  const quietFrom = from + CHUNK_MS - rng.range(3000, 6000);
  const actors: Actor[] = [];
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) {
    const arng = rng.fork();
    const classId = pickClass(arng, layout);
    const proto = randomObject(arng, layout, f, classId, appearance);
    const kind = proto.look.kind;
    const half = (aspectOf(proto.look) * proto.h) / 2 + 4;
    const dir = arng.sign();
    const distance = f.width + 2 * half;
    let speed = (arng.range(SPEED[kind][0], SPEED[kind][1]) * proto.h) / REAL_HEIGHT[kind] / 1000;
    let pauseMs = kind !== 'car' && arng.chance(0.3) ? arng.range(1000, 3000) : 0;
    const window = quietFrom - from;
    if (distance / speed + pauseMs > window * 0.95) {
      pauseMs = 0;
      speed = Math.max(speed, distance / (window * 0.95));
    }
    const duration = distance / speed + pauseMs;
    const start = from + arng.range(0, window - duration);
    const pauseAt = pauseMs > 0 ? arng.range(0.3, 0.7) * (distance / speed) : 0;
    actors.push({
      proto: { ...proto, facing: dir, moving: true },
      start,
      end: start + duration,
      x0: dir > 0 ? -half : f.width + half,
      dir,
      speed,
      pauseAt,
      pauseMs,
    });
  }
  return { index, actors, quietFrom };
}

/** Where the plan's actors are at time t (ms); empty when none is in view. */
export function actorsAt(plan: ChunkPlan, t: number): PlacedObject[] {
  const out: PlacedObject[] = [];
  for (const a of plan.actors) {
    if (t < a.start || t >= a.end) continue;
    const elapsed = t - a.start;
    const paused = a.pauseMs > 0 && elapsed >= a.pauseAt && elapsed < a.pauseAt + a.pauseMs;
    const walking = a.pauseMs > 0 && elapsed >= a.pauseAt + a.pauseMs ? elapsed - a.pauseMs : paused ? a.pauseAt : elapsed;
    const travelled = walking * a.speed;
    const kind = a.proto.look.kind;
    out.push({
      ...a.proto,
      x: a.x0 + a.dir * travelled,
      phase: (2 * Math.PI * travelled) / (STRIDE[kind] * a.proto.h),
      moving: !paused,
    });
  }
  return out;
}
