import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPEARANCES, BACKGROUND_FAMILIES, LIGHTINGS } from '../../src/agent/camera/synthetic/domain.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';

test('each background family renders under each lighting and appearance, with varied content', () => {
  for (const background of BACKGROUND_FAMILIES) {
    for (const lighting of LIGHTINGS) {
      for (const appearance of APPEARANCES) {
        const img = renderScene({ width: 128, height: 96, seed: 5, domain: { background, lighting, appearance } });
        assert.equal(img.family, background);
        assert.equal(img.rgb.length, 128 * 96 * 3);
        const distinct = new Set<number>();
        for (let p = 0; p < 128 * 96; p += 7) distinct.add((img.rgb[p * 3]! << 16) | (img.rgb[p * 3 + 1]! << 8) | img.rgb[p * 3 + 2]!);
        assert.ok(distinct.size > 50, `${background}/${lighting}/${appearance}: ${distinct.size} colours`);
      }
    }
  }
  const families = new Set<string>();
  for (let seed = 0; seed < 24; seed++) families.add(renderScene({ width: 64, height: 48, seed }).family);
  assert.equal(families.size, BACKGROUND_FAMILIES.length, "'any' draws every family");
});
