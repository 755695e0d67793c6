import { z } from 'zod';
import { detectionSchema, deviceIdSchema, epochMsSchema } from './common.ts';

export const EVENT_PRIORITIES = ['alarm', 'event'] as const;
export const CLEAR_REASONS = ['hold-expired', 'max-on', 'disarmed', 'disabled', 'shutdown'] as const;

/** `lookout/v1/dev/{id}/events`: a rule fired or cleared. */
export const eventSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  /** Unique per device; the store deduplicates on (deviceId, id) since QoS 1 may deliver twice. */
  id: z.string().min(1).max(64),
  ts: epochMsSchema,
  kind: z.enum(['fired', 'cleared']),
  priority: z.enum(EVENT_PRIORITIES),
  rule: z.string().min(1).max(64),
  output: z.string().min(1).max(64).optional(),
  reason: z.enum(CLEAR_REASONS).optional(),
  detections: z.array(detectionSchema).max(300),
  frame: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).optional(),
  /** Capture → GPIO write, monotonic clock, for the actuation this event caused. */
  glassToGpioMs: z.number().nonnegative().optional(),
  sampleId: z.string().max(64).optional(),
});
export type EventPayload = z.infer<typeof eventSchema>;
