/**
 * ed25519 signing of model manifests (RFC 8032, through node:crypto), shared by the cloud service (signs) and
 * the device (verifies). The signature covers the UTF-8 bytes of the manifest's JSON text exactly as it travels
 * in `SignedManifest.manifest`, so neither side canonicalises anything: the device verifies the bytes first and
 * only then parses them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { LookoutError, errorMessage } from '../errors.ts';
import { issuePath } from '../util/issue-path.ts';
import { manifestSchema, signedManifestSchema, type Manifest, type SignedManifest } from './manifest.ts';
import { ID_PATTERN } from './topics.ts';

/** How far ahead of the device's clock `createdAt` may lie: the clocks of signer and device never agree exactly. */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

export interface GeneratedKeyPair {
  readonly keyId: string;
  /** PKCS#8 PEM: stays with whoever signs (the cloud service); never goes to a device. */
  readonly privateKeyPem: string;
  /** SPKI PEM: what a device lists in `update.trustedKeys`. */
  readonly publicKeyPem: string;
}

function checkKeyId(keyId: string): void {
  // The key id names files (`lookout keys generate`) and config keys, so it follows the id rules of topics.
  if (!ID_PATTERN.test(keyId)) {
    throw new LookoutError('update', 'BAD_KEY', `key id "${keyId}" must match ${ID_PATTERN.source}`, { where: 'keyId' });
  }
}

export function generateKeyPair(keyId: string): GeneratedKeyPair {
  checkKeyId(keyId);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { keyId, privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function ed25519(key: KeyObject, where: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new LookoutError('update', 'BAD_KEY', `key is ${key.asymmetricKeyType ?? key.type}, not ed25519`, { where });
  }
  return key;
}

/** A trusted public key from its PEM text (or a KeyObject, checked to be an ed25519 public key). */
export function publicKeyFrom(key: KeyObject | string, where: string): KeyObject {
  if (typeof key !== 'string') {
    if (key.type !== 'public') throw new LookoutError('update', 'BAD_KEY', `a ${key.type} key where a public key belongs`, { where });
    return ed25519(key, where);
  }
  // createPublicKey also accepts a private key (and derives its public half): a private key in a device's
  // trust list means it was copied where it must never be.
  if (key.includes('PRIVATE KEY')) throw new LookoutError('update', 'BAD_KEY', 'a private key where a public key belongs; give the .pub file', { where });
  let parsed: KeyObject;
  try {
    parsed = createPublicKey(key);
  } catch (e) {
    throw new LookoutError('update', 'BAD_KEY', `not a public key in PEM: ${errorMessage(e)}`, { where, cause: e });
  }
  return ed25519(parsed, where);
}

function firstIssue(error: z.ZodError, base: string): { where: string; message: string } {
  const issue = error.issues[0];
  const where = issuePath(issue?.path ?? [], base) || base;
  return { where, message: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** Signs a manifest: the JSON text of the (validated) manifest and its ed25519 signature. */
export function signManifest(manifest: Manifest, privateKeyPem: string, keyId: string): SignedManifest {
  checkKeyId(keyId);
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) {
    const { where, message } = firstIssue(checked.error, 'manifest');
    throw new LookoutError('update', 'BAD_MANIFEST', message, { where });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (e) {
    throw new LookoutError('update', 'BAD_KEY', `not a private key in PEM: ${errorMessage(e)}`, { where: keyId, cause: e });
  }
  ed25519(key, keyId);
  const text = JSON.stringify(checked.data);
  // ed25519 hashes internally (RFC 8032 §5.1.6): node:crypto takes `null` as the digest for it.
  const signature = sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
  return { v: 1, manifest: text, signature, keyId };
}

/**
 * Checks a signed manifest as received (any JSON value) and returns the manifest it vouches for. Throws
 * LookoutError('update', code): BAD_ENVELOPE, UNKNOWN_KEY, BAD_KEY, BAD_SIGNATURE, BAD_MANIFEST, EXPIRED,
 * NOT_YET_VALID; `where` names the field at fault.
 */
export function verifySignedManifest(signed: unknown, trusted: ReadonlyMap<string, KeyObject | string>, now: Date): Manifest {
  const envelope = signedManifestSchema.safeParse(signed);
  if (!envelope.success) {
    const { where, message } = firstIssue(envelope.error, '');
    throw new LookoutError('update', 'BAD_ENVELOPE', `signed manifest ${message}`, { where: where === '' ? '(envelope)' : where });
  }
  const { manifest: text, signature, keyId } = envelope.data;
  const trustedKey = trusted.get(keyId);
  if (trustedKey === undefined) {
    throw new LookoutError('update', 'UNKNOWN_KEY', `manifest signed with key "${keyId}", which this device does not trust`, { where: 'keyId' });
  }
  const key = publicKeyFrom(trustedKey, `update.trustedKeys.${keyId}`);
  if (!verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'))) {
    throw new LookoutError('update', 'BAD_SIGNATURE', `signature does not match the manifest text for key "${keyId}"`, { where: 'signature' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LookoutError('update', 'BAD_MANIFEST', `manifest is not JSON: ${errorMessage(e)}`, { where: 'manifest', cause: e });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const { where, message } = firstIssue(parsed.error, 'manifest');
    throw new LookoutError('update', 'BAD_MANIFEST', message, { where });
  }
  const manifest = parsed.data;
  const nowMs = now.getTime();
  if (Date.parse(manifest.expiresAt) <= nowMs) {
    throw new LookoutError('update', 'EXPIRED', `manifest expired at ${manifest.expiresAt}`, { where: 'manifest.expiresAt' });
  }
  if (Date.parse(manifest.createdAt) > nowMs + MAX_CLOCK_SKEW_MS) {
    throw new LookoutError('update', 'NOT_YET_VALID', `manifest created at ${manifest.createdAt}, more than 10 minutes ahead of this device's clock`, { where: 'manifest.createdAt' });
  }
  return manifest;
}
