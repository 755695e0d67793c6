import { z } from 'zod';
import { ID_PATTERN } from './topics.ts';

export const deviceIdSchema = z.string().regex(ID_PATTERN, 'letters, digits, "_", "." or "-", at most 64');
/** Milliseconds since the Unix epoch (wall clock: for people and the store, never for latency). */
export const epochMsSchema = z.number().int().nonnegative().max(8.64e15, 'a time a Date can hold (ECMAScript time values end at 8.64e15 ms)');
export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const detectionSchema = z.object({
  label: z.string().min(1).max(64),
  score: z.number().min(0).max(1),
  box: boxSchema,
});
export type DetectionPayload = z.infer<typeof detectionSchema>;

export const modelRefSchema = z.object({
  name: z.string().min(1).max(128),
  version: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type ModelRef = z.infer<typeof modelRefSchema>;

export const percentilesSchema = z.object({
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  count: z.number().int().nonnegative(),
});
