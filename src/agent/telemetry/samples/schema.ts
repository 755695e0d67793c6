/**
 * Sample config (`telemetry.samples`): which frames leave the device as JPEG samples, how often and how many
 * bytes. Single source of truth for the fields, their defaults and their lines in the config table.
 */
import { z } from 'zod';

export const samplesConfigSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Send chosen frames as JPEG samples; false keeps every image on the device (even capture-sample commands are refused)'),
    uncertainLow: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe('A detection scoring in [uncertainLow, uncertainHigh) makes its frame an "uncertain" sample'),
    uncertainHigh: z.number().min(0).max(1).default(0.6).describe('Upper end (exclusive) of the uncertain score band'),
    auditRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('Fraction of confident or empty frames taken as "audit" samples (catches confident mistakes and misses)'),
    minIntervalS: z
      .number()
      .min(0)
      .default(10)
      .describe('Least seconds between two samples; rule and command samples are not held back by it'),
    bytesPerHour: z
      .number()
      .int()
      .min(0)
      .default(2_000_000)
      .describe('Byte budget of sample payloads per hour (token bucket holding one hour\'s worth); a sample past it is dropped'),
    maxLongSide: z.number().int().min(16).max(4096).default(640).describe('Samples are downsized so their long side is at most this many pixels'),
    jpegQuality: z
      .number()
      .int()
      .min(20)
      .max(100)
      .default(80)
      .describe('JPEG quality to start from; lowered step by step until the JPEG fits the protocol\'s size limit'),
  })
  .superRefine((samples, ctx) => {
    if (samples.uncertainLow >= samples.uncertainHigh) {
      ctx.addIssue({
        code: 'custom',
        message: `uncertainLow (${samples.uncertainLow}) must be below uncertainHigh (${samples.uncertainHigh})`,
        path: ['uncertainLow'],
      });
    }
  })
  .describe('Samples: frames sent for retraining, under a spacing rule and a byte budget');

export type SamplesConfig = z.infer<typeof samplesConfigSchema>;
export type SamplesConfigInput = z.input<typeof samplesConfigSchema>;
