/**
 * Palettes per appearance domain. 'default' is everyday colours; 'shifted' is what a model trained on the
 * default domain has rarely seen: hi-vis and striped clothing, very dark, neon and two-tone cars, spotted and
 * brindle dogs. Shapes stay the same in both, so fine-tuning on shifted samples recovers accuracy.
 */
import type { Appearance } from '../domain.ts';
import { hsv, jitter, mix, rgb, shade, type Rgb } from '../color.ts';
import type { Rng } from '../prng.ts';
import type { CarLook, CarStyle, DogLook, PersonLook } from './looks.ts';

const SKIN: readonly Rgb[] = [0xf1c7a5, 0xe0ac84, 0xc68a62, 0x9a6440, 0x6e4428, 0x4a2d1a];
const HAIR: readonly Rgb[] = [0x1e1611, 0x3b2a1d, 0x6a4a2c, 0xa67b4b, 0xd6b774, 0x8c8c8c];
const SHIRTS: readonly Rgb[] = [0x2b3a67, 0x6b7280, 0xe8e8e8, 0xa83232, 0x3d6b45, 0x6d2537, 0xc9b38f, 0x7fa7c9, 0x2a2a2a, 0x9c6b3e];
const TROUSERS: readonly Rgb[] = [0x34466e, 0x1f2430, 0xb09f78, 0x5b5f66, 0x4a3628, 0x2f3f5c];
const SHOES: readonly Rgb[] = [0x1a1a1a, 0x3a2a1e, 0xdedede, 0x5a4a3a];
const HIVIS: readonly Rgb[] = [0xd4f01c, 0xff7a12, 0xf2e51a];
const NEON: readonly Rgb[] = [0xff2fa0, 0x20e0d0, 0x9a30ff, 0x40ff60];

const CAR_PAINT: readonly Rgb[] = [0xeeeeee, 0xb8bcc2, 0x7d8288, 0x4a4e54, 0xa11d22, 0x1f4e99, 0x223355, 0xc8b48a, 0x3e6e4a, 0x8a1c3a];
const CAR_DARK: readonly Rgb[] = [0x111214, 0x161a26, 0x1c1410, 0x0e1a12];
const CAR_BOLD: readonly Rgb[] = [0x9be01c, 0x8a2be2, 0xff8c00, 0xffd400, 0x00b5c8, 0xff4fa3];

const FUR: readonly Rgb[] = [0x7a4a26, 0xc49a6c, 0xd9a441, 0x2a2320, 0xece1cc, 0x8e8a84, 0x5c3a22];

export function personLook(rng: Rng, appearance: Appearance): PersonLook {
  const skin = jitter(rng, rng.pick(SKIN), 10);
  const hair = jitter(rng, rng.pick(HAIR), 8);
  const shoes = jitter(rng, rng.pick(SHOES), 10);
  const hatChance = appearance === 'shifted' ? 0.35 : 0.12;
  const bagChance = appearance === 'shifted' ? 0.3 : 0.15;
  const hat = rng.chance(hatChance) ? jitter(rng, rng.pick(appearance === 'shifted' ? [...HIVIS, ...NEON, 0xffffff] : SHIRTS), 12) : null;
  const bag = rng.chance(bagChance) ? jitter(rng, rng.pick(TROUSERS), 12) : null;
  const build = rng.range(0.85, 1.2);
  if (appearance === 'default') {
    return {
      kind: 'person', skin, hair, shoes, hat, bag, build,
      shirt: jitter(rng, rng.pick(SHIRTS), 14),
      shirtAccent: 0,
      shirtStyle: 'plain',
      trousers: jitter(rng, rng.pick(TROUSERS), 12),
      skirt: rng.chance(0.12),
    };
  }
  const style = rng.pick(['hivis', 'hivis', 'stripes', 'stripes', 'plain'] as const);
  const shirt = style === 'hivis' ? rng.pick(HIVIS) : style === 'stripes' ? jitter(rng, rng.pick([...NEON, 0xf0f0f0, 0x101010]), 10) : rng.pick(NEON);
  const shirtAccent = style === 'hivis' ? 0xc8c8cc : jitter(rng, rng.pick([0x101010, 0xf8f8f8, 0xd02020, 0x2040d0]), 10);
  return {
    kind: 'person', skin, hair, shoes, hat, bag, build, shirt, shirtAccent,
    shirtStyle: style,
    trousers: rng.chance(0.5) ? jitter(rng, rng.pick([0xf0f0f0, 0xff7a12, 0x2a2a2a, 0xd4f01c]), 10) : jitter(rng, rng.pick(NEON), 10),
    skirt: rng.chance(0.2),
  };
}

export function carLook(rng: Rng, appearance: Appearance): CarLook {
  const style: CarStyle = rng.pick(['sedan', 'sedan', 'hatch', 'suv', 'van'] as const);
  const view = rng.chance(0.3) ? 'three-quarter' : 'side';
  const glass = jitter(rng, rng.pick([0x2c3e50, 0x3a4a5a, 0x1c2430, 0x5a7088]), 10);
  const tyre = jitter(rng, 0x1b1b1b, 6);
  if (appearance === 'default') {
    const paint = jitter(rng, rng.pick(CAR_PAINT), 12);
    return { kind: 'car', paint, roof: paint, glass, stripe: null, style, view, tyre, rim: jitter(rng, 0xa8acb0, 15) };
  }
  const kind = rng.pick(['dark', 'dark', 'two-tone', 'two-tone', 'bold'] as const);
  const paint = kind === 'dark' ? jitter(rng, rng.pick(CAR_DARK), 4) : jitter(rng, rng.pick(kind === 'bold' ? CAR_BOLD : CAR_PAINT), 10);
  const roof = kind === 'two-tone' ? (rng.chance(0.5) ? jitter(rng, 0xf4f4f4, 6) : jitter(rng, 0x121212, 4)) : paint;
  const stripe = kind === 'bold' || rng.chance(0.3) ? rng.pick([0xffffff, 0x111111, 0xffd400]) : null;
  const rim = kind === 'dark' ? jitter(rng, 0x202020, 6) : jitter(rng, 0xd8b040, 15);
  return { kind: 'car', paint, roof, glass: kind === 'dark' ? shade(glass, 0.6) : glass, stripe, style, view, tyre, rim };
}

export function dogLook(rng: Rng, appearance: Appearance): DogLook {
  const base = {
    kind: 'dog' as const,
    ears: rng.chance(0.5) ? ('up' as const) : ('floppy' as const),
    tail: rng.chance(0.6) ? ('up' as const) : ('down' as const),
    length: rng.range(1.25, 1.75),
    legs: rng.range(0.3, 0.46),
    spotSeed: rng.u32(),
  };
  if (appearance === 'default') {
    const fur = jitter(rng, rng.pick(FUR), 14);
    const pattern = rng.pick(['plain', 'plain', 'belly', 'saddle'] as const);
    const furAccent = pattern === 'belly' ? mix(fur, 0xf0e6d2, 0.6) : shade(fur, 0.45);
    return { ...base, fur, furAccent, pattern };
  }
  const pattern = rng.pick(['spots', 'spots', 'brindle', 'plain'] as const);
  if (pattern === 'spots') {
    const white = rng.chance(0.7);
    return { ...base, pattern, fur: jitter(rng, white ? 0xf4f2ee : 0x9aa4b0, 8), furAccent: jitter(rng, rng.pick([0x151515, 0x5a3218]), 8) };
  }
  if (pattern === 'brindle') {
    const fur = jitter(rng, rng.pick([0x8a6238, 0xa07a48, 0x6a5a4a]), 10);
    return { ...base, pattern, fur, furAccent: shade(fur, 0.4) };
  }
  return { ...base, pattern, fur: jitter(rng, hsv(rng.range(190, 230), 0.18, 0.65), 8), furAccent: rgb(40, 40, 48) };
}
