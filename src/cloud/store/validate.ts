/** Every payload is parsed before it reaches SQL (STYLE 9): a bad one names the field at fault. */
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { boxSchema } from '../../protocol/index.ts';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const where = path === '' ? what : `${what}.${path}`;
  throw new LookoutError('store', 'STORE_BAD_INPUT', `${where}: ${issue?.message ?? 'invalid'}`, { where });
}

export const labelsSchema = z.array(z.object({ label: z.string().min(1).max(64), box: boxSchema })).max(300);
export const labelSourceSchema = z.string().min(1).max(64);

export const receivedAtSchema = z.number().int().nonnegative();
