import { z } from 'zod';
import { deviceIdSchema, epochMsSchema, modelRefSchema } from './common.ts';

export const DEVICE_STATES = ['starting', 'online', 'degraded', 'stopping', 'offline'] as const;

/** `lookout/v1/dev/{id}/status`, retained. The last will carries the same shape with state "offline". */
export const statusSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  state: z.enum(DEVICE_STATES),
  ts: epochMsSchema,
  group: z.string().max(64).optional(),
  agentVersion: z.string().max(64).optional(),
  model: modelRefSchema.optional(),
  provider: z.string().max(32).optional(),
  camera: z.object({ backend: z.string().max(32), ok: z.boolean() }).optional(),
  /**
   * When the MQTT connection that carries this status began. The last will is fixed at CONNECT, so its `ts`
   * is this same time: a will supersedes the statuses of its own connection (same `connectedAt`), never those
   * of a later one.
   */
  connectedAt: epochMsSchema.optional(),
  /** Why the state is what it is: "last-will", "camera-lost", "provider-fallback", ... */
  reason: z.string().max(256).optional(),
});
export type StatusPayload = z.infer<typeof statusSchema>;
