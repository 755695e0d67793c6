/**
 * Signed manifests that the cloud's own signer would refuse to make (signManifest validates first): the
 * manifest text is signed as given, with a key the device trusts, so a hostile field reaches the device's
 * own checks behind a good signature, as it would from a compromised or buggy signer.
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { GeneratedKeyPair } from '../../../src/protocol/manifest-signature.ts';

/** The signed envelope (protocol/manifest.ts SignedManifest) of `text`, as JSON. */
export function signText(text: string, key: GeneratedKeyPair): string {
  // ed25519 takes no digest name (RFC 8032 hashes internally).
  const signature = sign(null, Buffer.from(text, 'utf8'), createPrivateKey(key.privateKeyPem)).toString('base64');
  return JSON.stringify({ v: 1, manifest: text, signature, keyId: key.keyId });
}

/** `depth` nested JSON arrays around nothing: `[[[...]]]`. */
export const nestedArrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
