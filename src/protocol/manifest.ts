import { z } from 'zod';

/**
 * The model manifest: what a device must verify before it runs a model. Signed with ed25519 over the exact
 * bytes of `manifest` as published (the JSON text), so no canonicalisation is needed.
 */
export const manifestSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a plain file-name-safe name'),
  version: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive().max(512 * 1024 * 1024),
  url: z.url().max(2048),
  labels: z.array(z.string().min(1).max(64)).min(1).max(1000),
  input: z.object({
    width: z.number().int().positive().max(4096),
    height: z.number().int().positive().max(4096),
    format: z.enum(['rgb', 'bgr']),
  }),
  quantization: z.enum(['float32', 'int8-qdq']),
  dataset: z.string().max(512),
  metrics: z.record(z.string().max(64), z.number()),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** A rollback may carry a lower version than the device has installed; nothing else may. */
  rollback: z.boolean().default(false),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The most characters of manifest JSON text a signed manifest carries. */
export const MAX_MANIFEST_CHARS = 64 * 1024;
/**
 * The most characters a signed manifest payload can have: its manifest text as a JSON string, where
 * JSON.stringify writes each quote, backslash and control character as two (ECMA-262 QuoteJSONString), plus
 * the envelope's other fields. A receiver refuses a longer payload before parsing it: JSON.parse of a few
 * megabytes of nested brackets holds the event loop (and so the outputs' timers) for a second.
 */
export const MAX_SIGNED_MANIFEST_CHARS = 2 * MAX_MANIFEST_CHARS + 1024;

/** `lookout/v1/group/{group}/model`, retained. */
export const signedManifestSchema = z.object({
  v: z.literal(1),
  /** The manifest's JSON text, exactly the bytes that were signed. */
  manifest: z.string().min(2).max(MAX_MANIFEST_CHARS),
  /** ed25519 signature of `manifest`'s UTF-8 bytes, base64. */
  signature: z.base64().length(88),
  keyId: z.string().min(1).max(64),
});
export type SignedManifest = z.infer<typeof signedManifestSchema>;
