import { z } from 'zod';
import { deviceIdSchema, epochMsSchema, modelRefSchema, percentilesSchema } from './common.ts';

/** Per-class confidence summary, the input of the cloud's drift policies. Histogram: 10 bins over 0..1. */
export const classSummarySchema = z.object({
  count: z.number().int().nonnegative(),
  meanScore: z.number().min(0).max(1),
  hist: z.array(z.number().int().nonnegative()).length(10),
});

/** `lookout/v1/dev/{id}/stats`, every `telemetry.statsIntervalS`. */
export const statsSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  ts: epochMsSchema,
  intervalS: z.number().positive(),
  fps: z.number().nonnegative(),
  frames: z.object({
    captured: z.number().int().nonnegative(),
    processed: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
  }),
  inferenceMs: percentilesSchema,
  glassToGpioMs: percentilesSchema,
  cpuTempC: z.number().nullable(),
  /** `vcgencmd get_throttled` bits (Raspberry Pi), null where the tool is absent. */
  throttled: z.number().int().nonnegative().nullable(),
  memory: z.object({ rssMb: z.number().nonnegative(), heapMb: z.number().nonnegative() }),
  outbox: z.object({
    depth: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
  }),
  provider: z.string().max(32),
  model: modelRefSchema,
  classes: z.record(z.string().max(64), classSummarySchema),
});
export type StatsPayload = z.infer<typeof statsSchema>;
