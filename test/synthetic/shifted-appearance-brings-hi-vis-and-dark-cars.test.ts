import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Appearance } from '../../src/agent/camera/synthetic/domain.ts';
import { CLASS_CAR, CLASS_PERSON } from '../../src/agent/camera/synthetic/labels.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';

/** Fractions of person pixels in hi-vis yellow/orange and of car pixels that are near black. */
function colours(appearance: Appearance): { hivis: number; darkCar: number } {
  let person = 0;
  let hivis = 0;
  let car = 0;
  let dark = 0;
  for (let seed = 0; seed < 40; seed++) {
    const img = renderScene({ width: 240, height: 180, seed, objectCount: 4, flatBackground: 0xff00ff, withMask: true, domain: { appearance } });
    const mask = img.mask!;
    for (let p = 0; p < mask.length; p++) {
      const id = mask[p]!;
      if (id === 0) continue;
      const cls = img.objects[id - 1]!.classId;
      const [r, g, b] = [img.rgb[p * 3]!, img.rgb[p * 3 + 1]!, img.rgb[p * 3 + 2]!];
      if (cls === CLASS_PERSON) {
        person++;
        if (r > 190 && g > 90 && b < 70) hivis++;
      } else if (cls === CLASS_CAR) {
        car++;
        if (r + g + b < 90) dark++;
      }
    }
  }
  return { hivis: hivis / person, darkCar: dark / car };
}

test('the shifted appearance paints hi-vis clothing and very dark cars that the default rarely has', () => {
  const normal = colours('default');
  const shifted = colours('shifted');
  assert.ok(shifted.hivis > 0.05, `hi-vis share ${shifted.hivis}`);
  assert.ok(shifted.hivis > normal.hivis * 4, `hi-vis ${shifted.hivis} vs ${normal.hivis}`);
  assert.ok(shifted.darkCar > normal.darkCar * 2, `dark cars ${shifted.darkCar} vs ${normal.darkCar}`);
});
