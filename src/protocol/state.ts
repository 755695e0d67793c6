import { z } from 'zod';
import { deviceIdSchema, epochMsSchema } from './common.ts';

/**
 * `lookout/v1/dev/{id}/state`, retained, published when a rule or output changes: the live state of the
 * device's rules and outputs (Home Assistant binary sensors and the dashboard read it).
 */
export const stateSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  ts: epochMsSchema,
  rules: z.record(z.string().max(64), z.object({ active: z.boolean(), enabled: z.boolean() })),
  outputs: z.record(z.string().max(64), z.boolean()),
});
export type StatePayload = z.infer<typeof stateSchema>;
