import { z } from 'zod';
import { detectionSchema, deviceIdSchema, epochMsSchema, modelRefSchema } from './common.ts';

export const SAMPLE_REASONS = ['uncertain', 'audit', 'rule', 'command'] as const;

/** Largest JPEG a sample may carry (base64 inflates it by 4/3; brokers often cap packets near 256 KiB). */
export const MAX_SAMPLE_JPEG_BYTES = 192 * 1024;

/** `lookout/v1/dev/{id}/samples`: a frame chosen for retraining, with what the model predicted on it. */
export const sampleSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  id: z.string().min(1).max(64),
  ts: epochMsSchema,
  reason: z.enum(SAMPLE_REASONS),
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192),
  jpeg: z.base64().max(Math.ceil(MAX_SAMPLE_JPEG_BYTES / 3) * 4),
  predictions: z.array(detectionSchema).max(300),
  model: modelRefSchema,
  /**
   * Ground truth of the synthetic scene. Only the simulated world has it; it stands in for a human labeller
   * and is named as such wherever it is used.
   */
  syntheticTruth: z.array(z.object({ label: z.string().max(64), box: detectionSchema.shape.box })).max(300).optional(),
  domain: z.record(z.string().max(32), z.string().max(32)).optional(),
});
export type SamplePayload = z.infer<typeof sampleSchema>;
