import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchmarkSynthetic } from '../../src/agent/camera/synthetic/bench.ts';

// Prints timings for the record; asserts only that they were measured (machines differ too much to gate on).
test('the generator benchmark measures 640x480 scene and live-frame times', () => {
  const r = benchmarkSynthetic({ width: 640, height: 480, frames: 20 });
  process.stdout.write(`# synthetic 640x480: scene median ${r.sceneMedianMs.toFixed(1)} ms, live frame median ${r.worldMedianMs.toFixed(1)} ms (p95 ${r.worldP95Ms.toFixed(1)} ms)\n`);
  for (const v of [r.sceneMedianMs, r.worldMedianMs, r.worldP95Ms]) assert.ok(Number.isFinite(v) && v > 0);
  assert.ok(r.worldP95Ms >= r.worldMedianMs);
});
