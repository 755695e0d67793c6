/**
 * One entry point per object: its class, its look drawn from palettes, its silhouette and a window that
 * surely contains it (for measuring the whole silhouette off-frame).
 */
import type { Appearance } from '../domain.ts';
import { CLASS_CAR, CLASS_DOG, CLASS_PERSON, type SynthClassId } from '../labels.ts';
import type { Painter } from '../painter.ts';
import type { Rng } from '../prng.ts';
import { carAspect, drawCar } from './car.ts';
import { dogAspect, drawDog } from './dog.ts';
import type { ObjectLook, PlacedObject } from './looks.ts';
import { carLook, dogLook, personLook } from './palettes.ts';
import { drawPerson, PERSON_HALF_WIDTH } from './person.ts';

export function classOf(look: ObjectLook): SynthClassId {
  switch (look.kind) {
    case 'person':
      return CLASS_PERSON;
    case 'car':
      return CLASS_CAR;
    case 'dog':
      return CLASS_DOG;
  }
}

export function randomLook(rng: Rng, classId: SynthClassId, appearance: Appearance): ObjectLook {
  switch (classId) {
    case CLASS_PERSON:
      return personLook(rng, appearance);
    case CLASS_CAR:
      return carLook(rng, appearance);
    case CLASS_DOG:
      return dogLook(rng, appearance);
  }
}

/** Width over height of the object's silhouette (approximate for people, whose limbs move). */
export function aspectOf(look: ObjectLook): number {
  switch (look.kind) {
    case 'person':
      return 2 * PERSON_HALF_WIDTH;
    case 'car':
      return carAspect(look);
    case 'dog':
      return dogAspect(look);
  }
}

/** [x0, y0, x1, y1] scene pixels that contain every pixel the object can draw (with a margin). */
export function boundsOf(o: PlacedObject): [number, number, number, number] {
  const half = (aspectOf(o.look) / 2 + 0.12) * o.h + 2;
  return [Math.floor(o.x - half), Math.floor(o.y - o.h * 1.08 - 2), Math.ceil(o.x + half), Math.ceil(o.y + o.h * 0.05 + 2)];
}

export function drawObject(p: Painter, o: PlacedObject, id: number): void {
  const look = o.look;
  switch (look.kind) {
    case 'person':
      drawPerson(p, o, look, id);
      break;
    case 'car':
      drawCar(p, o, look, id);
      break;
    case 'dog':
      drawDog(p, o, look, id);
      break;
  }
}
