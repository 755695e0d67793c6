import { z } from 'zod';
import { deviceIdSchema, epochMsSchema } from './common.ts';

export const UPDATE_STATES = [
  'received', 'rejected', 'downloading', 'downloaded', 'verified', 'warming', 'swapped', 'probation',
  'committed', 'rolled-back', 'failed',
] as const;

/** `lookout/v1/dev/{id}/update`: every state a model update passes through on the device. */
export const updateSchema = z.object({
  v: z.literal(1),
  deviceId: deviceIdSchema,
  ts: epochMsSchema,
  name: z.string().max(64),
  version: z.number().int().nonnegative(),
  state: z.enum(UPDATE_STATES),
  /** A stable reason code for rejected / failed / rolled-back (see errors.ts UPDATE_CODES). */
  code: z.string().max(64).optional(),
  detail: z.string().max(1024).optional(),
  progress: z.number().min(0).max(1).optional(),
});
export type UpdatePayload = z.infer<typeof updateSchema>;
