/**
 * One shared tile of smooth value noise (256 x 256, wraps at the edges), built once from a fixed seed.
 * Shapes sample it with an offset to texture asphalt, grass, fur and walls without per-pixel random draws.
 */
import { Rng } from './prng.ts';

export const TILE_BITS = 8;
export const TILE_SIZE = 1 << TILE_BITS;
export const TILE_MASK = TILE_SIZE - 1;

let tile: Int8Array | undefined;

function lattice(rng: Rng, cells: number): Float32Array {
  const v = new Float32Array(cells * cells);
  for (let i = 0; i < v.length; i++) v[i] = rng.float() * 2 - 1;
  return v;
}

function build(): Int8Array {
  const rng = new Rng(0x5eed7e);
  const acc = new Float32Array(TILE_SIZE * TILE_SIZE);
  // Octaves from coarse (8 cells) to pixel-fine (256 cells); weights favour mid frequencies (visible grain).
  const octaves: readonly (readonly [number, number])[] = [[8, 0.35], [16, 0.3], [32, 0.25], [64, 0.2], [256, 0.22]];
  for (const [cells, weight] of octaves) {
    const grid = lattice(rng, cells);
    const step = TILE_SIZE / cells;
    for (let y = 0; y < TILE_SIZE; y++) {
      const gy = y / step;
      const y0 = Math.floor(gy);
      const fy = gy - y0;
      const sy = fy * fy * (3 - 2 * fy);
      const r0 = (y0 % cells) * cells;
      const r1 = ((y0 + 1) % cells) * cells;
      for (let x = 0; x < TILE_SIZE; x++) {
        const gx = x / step;
        const x0 = Math.floor(gx);
        const fx = gx - x0;
        const sx = fx * fx * (3 - 2 * fx);
        const c0 = x0 % cells;
        const c1 = (x0 + 1) % cells;
        const top = grid[r0 + c0]! + (grid[r0 + c1]! - grid[r0 + c0]!) * sx;
        const bottom = grid[r1 + c0]! + (grid[r1 + c1]! - grid[r1 + c0]!) * sx;
        acc[y * TILE_SIZE + x]! += (top + (bottom - top) * sy) * weight;
      }
    }
  }
  let peak = 0;
  for (const v of acc) peak = Math.max(peak, Math.abs(v));
  const out = new Int8Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = Math.round((acc[i]! / peak) * 127);
  return out;
}

/** Values in -127..127, row-major, TILE_SIZE x TILE_SIZE. */
export function noiseTile(): Int8Array {
  tile ??= build();
  return tile;
}
