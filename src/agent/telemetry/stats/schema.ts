/**
 * Stats config: the field the config module embeds (`telemetry.statsIntervalS`). Single source of truth for
 * its default and its line in the generated config table.
 */
import { z } from 'zod';

export const statsIntervalSchema = z
  .number()
  .min(1)
  .max(3600)
  .default(10)
  .describe('Seconds between stats messages (fps, drops, latency percentiles, temperature, per-class confidence)');

export const statsConfigShape = { statsIntervalS: statsIntervalSchema } as const;

export type StatsIntervalS = z.infer<typeof statsIntervalSchema>;
