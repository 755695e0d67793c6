import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyntheticWorld } from '../../src/agent/camera/synthetic/world.ts';

test('in a minute of live frames objects appear, move across, leave, and quiet spells of seconds occur', () => {
  const world = new SyntheticWorld({ width: 240, height: 180, seed: 7 });
  const step = 250;
  const counts: number[] = [];
  const centres: number[][] = [];
  const out = new Uint8Array(240 * 180 * 3);
  for (let t = 0; t < 60_000; t += step) {
    const { objects } = world.renderAt(t, out);
    counts.push(objects.length);
    centres.push(objects.map((o) => (o.box[0] + o.box[2]) / 2));
  }
  const appear = counts.filter((c, i) => i > 0 && c > counts[i - 1]!).length;
  const leave = counts.filter((c, i) => i > 0 && c < counts[i - 1]!).length;
  assert.ok(appear >= 3 && leave >= 3, `appearances ${appear}, departures ${leave}`);
  let longestQuiet = 0;
  let run = 0;
  for (const c of counts) {
    run = c === 0 ? run + 1 : 0;
    longestQuiet = Math.max(longestQuiet, run);
  }
  assert.ok(longestQuiet * step >= 3000, `longest quiet spell ${longestQuiet * step} ms`);
  assert.ok(counts.some((c) => c > 0), 'something is in view at some point');
  // A lone object in consecutive frames has moved (people pause at most a few seconds).
  let moved = 0;
  let still = 0;
  for (let i = 1; i < counts.length; i++) {
    if (counts[i] !== 1 || counts[i - 1] !== 1) continue;
    if (Math.abs(centres[i]![0]! - centres[i - 1]![0]!) > 0.5) moved++;
    else still++;
  }
  assert.ok(moved > still, `moved ${moved}, still ${still}`);
});
