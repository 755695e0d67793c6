/**
 * Micro benchmark of the generator: median milliseconds per still scene and per live-camera frame.
 */
import type { DomainShift } from './domain.ts';
import { renderScene } from './scene.ts';
import { SyntheticWorld } from './world.ts';

export interface SynthBenchResult {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** renderScene: background, objects, light, blur, noise, all drawn anew. */
  readonly sceneMedianMs: number;
  /** SyntheticWorld.renderAt at 30 fps into a reused buffer (background cached). */
  readonly worldMedianMs: number;
  readonly worldP95Ms: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function benchmarkSynthetic(opts: { width?: number; height?: number; frames?: number; seed?: number; domain?: Partial<DomainShift> } = {}): SynthBenchResult {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const frames = opts.frames ?? 60;
  const seed = opts.seed ?? 1;
  const scene: number[] = [];
  // Warm-up: let the JIT compile the hot loops before timing.
  for (let i = 0; i < 5; i++) renderScene({ width, height, seed: seed + frames + i, domain: opts.domain });
  for (let i = 0; i < frames; i++) {
    const t = performance.now();
    renderScene({ width, height, seed: seed + i, domain: opts.domain });
    scene.push(performance.now() - t);
  }
  const world = new SyntheticWorld({ width, height, seed, domain: opts.domain });
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < 10; i++) world.renderAt(i * 100, out);
  const live: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t = performance.now();
    world.renderAt(1000 + (i * 1000) / 30, out);
    live.push(performance.now() - t);
  }
  scene.sort((a, b) => a - b);
  live.sort((a, b) => a - b);
  return { width, height, frames, sceneMedianMs: quantile(scene, 0.5), worldMedianMs: quantile(live, 0.5), worldP95Ms: quantile(live, 0.95) };
}
