/**
 * The `update` section of the agent's config: how the device follows its group's signed model manifest. The
 * config module embeds this schema; the type is inferred from it and every default lives here.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../protocol/topics.ts';

export const updateConfigSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .describe('Follow the signed model manifest of the device\'s group (needs `mqtt`); default: on when `mqtt` is set'),
    trustedKeys: z
      .record(z.string().regex(ID_PATTERN, 'a key id: letters, digits, "_", "." or "-"'), z.string().min(1))
      .default({})
      .describe('Key id → public key file (PEM, from `lookout keys generate`); empty = every manifest refused (UNKNOWN_KEY)'),
    probationS: z
      .number()
      .positive()
      .max(86_400)
      .default(60)
      .describe('Seconds a new model runs on probation, the old one kept warm, before it is committed'),
    maxFpsDrop: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('Roll back when the frame rate on probation falls by more than this fraction of the old model\'s'),
    maxLatencyRise: z
      .number()
      .min(0)
      .max(100)
      .default(0.5)
      .describe('Roll back when p95 inference on probation grows by more than this fraction of the old model\'s (0.5 = 50 %)'),
    warmupFrames: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe('Recent camera frames the new model runs before the swap'),
    downloadTimeoutS: z
      .number()
      .positive()
      .max(3600)
      .default(30)
      .describe('A download that receives no byte for this long is broken off (and resumed, keeping the partial file)'),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Also download models over plain http (the sha256 in the signed manifest still guards the bytes)'),
  })
  .prefault({})
  .describe('Model updates: signed manifest, download, warm-up, swap, probation, rollback');

export type UpdateConfig = z.infer<typeof updateConfigSchema>;

/** Whether the device follows manifests: `update.enabled`, else on exactly when there is a broker to hear them from. */
export function updateEnabled(config: { readonly update: UpdateConfig; readonly mqtt?: unknown }): boolean {
  return config.update.enabled ?? config.mqtt !== undefined;
}
