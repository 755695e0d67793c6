import { z } from 'zod';

const id = z.string().min(1).max(64);

/** `lookout/v1/dev/{id}/cmd`: requests carry a correlation id that the reply echoes. */
export const commandSchema = z.discriminatedUnion('cmd', [
  z.object({ id, cmd: z.literal('ping') }),
  z.object({ id, cmd: z.literal('get-config') }),
  z.object({ id, cmd: z.literal('set-rule-enabled'), rule: z.string().min(1).max(64), enabled: z.boolean() }),
  z.object({ id, cmd: z.literal('capture-sample') }),
  z.object({ id, cmd: z.literal('restart-camera') }),
  z.object({ id, cmd: z.literal('set-domain'), domain: z.record(z.string().max(32), z.string().max(32)) }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandName = Command['cmd'];

/** Error codes a reply may carry. */
export const REPLY_ERROR_CODES = ['BAD_JSON', 'BAD_COMMAND', 'UNKNOWN_RULE', 'UNSUPPORTED', 'FAILED'] as const;

/** `lookout/v1/dev/{id}/reply`. */
export const replySchema = z.discriminatedUnion('ok', [
  z.object({ v: z.literal(1), id: z.string().max(64).nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    v: z.literal(1),
    id: z.string().max(64).nullable(),
    ok: z.literal(false),
    error: z.object({ code: z.enum(REPLY_ERROR_CODES), message: z.string().max(1024), path: z.string().max(256).optional() }),
  }),
]);
export type Reply = z.infer<typeof replySchema>;
