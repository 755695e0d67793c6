import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lighting } from '../../src/agent/camera/synthetic/domain.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';

interface Stats {
  mean: number;
  blueOverRed: number;
  /** Mean absolute difference between horizontal neighbours: grows with noise. */
  grain: number;
}

function stats(lighting: Lighting): Stats {
  let sum = 0;
  let r = 0;
  let b = 0;
  let grain = 0;
  let n = 0;
  for (let seed = 0; seed < 12; seed++) {
    const { rgb, width } = renderScene({ width: 160, height: 120, seed, domain: { lighting } });
    for (let i = 0; i < rgb.length; i += 3) {
      r += rgb[i]!;
      b += rgb[i + 2]!;
      sum += rgb[i]! + rgb[i + 1]! + rgb[i + 2]!;
      if ((i / 3) % width !== width - 1) grain += Math.abs(rgb[i + 1]! - rgb[i + 4]!);
      n++;
    }
  }
  return { mean: sum / (3 * n), blueOverRed: b / r, grain: grain / n };
}

test('night scenes are darker, bluer and grainier relative to their contrast than day scenes', () => {
  const day = stats('day');
  const night = stats('night');
  const dusk = stats('dusk');
  assert.ok(night.mean < day.mean * 0.6, `night mean ${night.mean} vs day ${day.mean}`);
  assert.ok(night.mean > 15, `night is still visible (mean ${night.mean})`);
  assert.ok(night.blueOverRed > day.blueOverRed * 1.2, `blue/red ${night.blueOverRed} vs ${day.blueOverRed}`);
  assert.ok(night.grain / night.mean > day.grain / day.mean, 'noise relative to brightness grows at night');
  assert.ok(dusk.mean < day.mean && dusk.blueOverRed < day.blueOverRed, 'dusk is dimmer and warmer');
});
