/**
 * Chooses and draws a background family. Families are drawn straight into the frame (no mask: background
 * pixels belong to no object) and return the layout the object placer works with.
 */
import type { Appearance, BackgroundChoice, BackgroundFamily } from '../domain.ts';
import { BACKGROUND_FAMILIES } from '../domain.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import type { Frame2D } from './common.ts';
import { drawIndoor } from './indoor.ts';
import type { SceneLayout } from './layout.ts';
import { drawParking } from './parking.ts';
import { drawStreet } from './street.ts';
import { drawYard } from './yard.ts';

export function pickFamily(rng: Rng, choice: BackgroundChoice): BackgroundFamily {
  return choice === 'any' ? rng.pick(BACKGROUND_FAMILIES) : choice;
}

export function drawBackground(p: Painter, rng: Rng, f: Frame2D, family: BackgroundFamily, appearance: Appearance): SceneLayout {
  switch (family) {
    case 'street':
      return drawStreet(p, rng, f, appearance);
    case 'yard':
      return drawYard(p, rng, f, appearance);
    case 'indoor':
      return drawIndoor(p, rng, f, appearance);
    case 'parking':
      return drawParking(p, rng, f, appearance);
  }
}
