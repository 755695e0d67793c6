/**
 * Domain-shift knobs: the conditions a scene is rendered under. Later steps move the agent's camera along
 * these to show model drift and its repair by retraining on shifted samples.
 */
import { LookoutError } from '../../../errors.ts';

export const LIGHTINGS = ['day', 'dusk', 'night', 'overcast'] as const;
export const BACKGROUND_FAMILIES = ['street', 'yard', 'indoor', 'parking'] as const;
export const BACKGROUND_CHOICES = [...BACKGROUND_FAMILIES, 'any'] as const;
export const APPEARANCES = ['default', 'shifted'] as const;

export type Lighting = (typeof LIGHTINGS)[number];
export type BackgroundFamily = (typeof BACKGROUND_FAMILIES)[number];
export type BackgroundChoice = (typeof BACKGROUND_CHOICES)[number];
export type Appearance = (typeof APPEARANCES)[number];

export interface DomainShift {
  /** 'night' is dark, low contrast, bluish and noisier; 'dusk' warm and dim; 'overcast' flat and grey. */
  lighting: Lighting;
  /** One background family, or 'any' to draw one per image (per world for the live camera). */
  background: BackgroundChoice;
  /** 'shifted' swaps palettes and textures: hi-vis and striped clothing, two-tone or very dark cars, spotted dogs. */
  appearance: Appearance;
}

export const DEFAULT_DOMAIN: Readonly<DomainShift> = Object.freeze({
  lighting: 'day',
  background: 'any',
  appearance: 'default',
});

function checkOne<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new LookoutError('camera', 'BAD_DOMAIN', `domain ${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`, {
    where: `domain.${field}`,
  });
}

/** Fills in defaults and rejects values outside the enums (the knobs also arrive from config and the CLI). */
export function resolveDomain(shift: Partial<DomainShift> | undefined): DomainShift {
  const merged = { ...DEFAULT_DOMAIN, ...shift };
  return {
    lighting: checkOne('lighting', merged.lighting, LIGHTINGS),
    background: checkOne('background', merged.background, BACKGROUND_CHOICES),
    appearance: checkOne('appearance', merged.appearance, APPEARANCES),
  };
}
