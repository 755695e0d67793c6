import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign as edSign } from 'node:crypto';
import { isLookoutError } from '../../src/errors.ts';
import { generateKeyPair, MAX_CLOCK_SKEW_MS, signManifest, verifySignedManifest } from '../../src/protocol/manifest-signature.ts';
import { signedManifestSchema, type Manifest, type SignedManifest } from '../../src/protocol/manifest.ts';
import { manifestFor } from './helpers.ts';

const key = generateKeyPair('fleet-1');
const other = generateKeyPair('fleet-1');
const now = new Date('2030-01-01T12:00:00Z');
const trusted = new Map([['fleet-1', key.publicKeyPem]]);

function manifest(fields: Partial<Manifest> = {}): Manifest {
  return manifestFor(new Uint8Array([1, 2, 3]), 'https://models.example/m.onnx', {
    createdAt: new Date(now.getTime() - 60_000).toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    ...fields,
  });
}

function refusal(signed: unknown, keys: ReadonlyMap<string, string | ReturnType<typeof createPublicKey>> = trusted): { code: string; where: string | undefined } {
  try {
    verifySignedManifest(signed, keys, now);
  } catch (e) {
    assert.ok(isLookoutError(e), `not a LookoutError: ${String(e)}`);
    assert.equal(e.subsystem, 'update');
    return { code: e.code, where: e.where };
  }
  assert.fail('verified, expected a refusal');
}

test('a good manifest verifies, with a PEM or a KeyObject, and comes back as signed', () => {
  const m = manifest();
  const signed = signManifest(m, key.privateKeyPem, 'fleet-1');
  assert.ok(signedManifestSchema.safeParse(signed).success);
  assert.equal(signed.manifest, JSON.stringify(m), 'the signed text is the manifest\'s JSON');
  assert.deepEqual(verifySignedManifest(signed, trusted, now), m);
  assert.deepEqual(verifySignedManifest(JSON.parse(JSON.stringify(signed)), new Map([['fleet-1', createPublicKey(key.publicKeyPem)]]), now), m);
  // PKCS#8 and SPKI PEM, as the brief of `lookout keys generate` says.
  assert.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.match(key.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
});

test('a signature by another key, or over other text, is BAD_SIGNATURE', () => {
  const m = manifest();
  assert.equal(refusal(signManifest(m, other.privateKeyPem, 'fleet-1')).code, 'BAD_SIGNATURE');
  const good = signManifest(m, key.privateKeyPem, 'fleet-1');
  // Tampered text: one byte of the manifest changed (version 8 → 9), the signature kept.
  const tampered: SignedManifest = { ...good, manifest: good.manifest.replace('"version":8', '"version":9') };
  assert.notEqual(tampered.manifest, good.manifest);
  assert.deepEqual(refusal(tampered), { code: 'BAD_SIGNATURE', where: 'signature' });
  // Whitespace is text too: no canonicalisation.
  assert.equal(refusal({ ...good, manifest: `${good.manifest} ` }).code, 'BAD_SIGNATURE');
  const flipped = Buffer.from(good.signature, 'base64');
  flipped[10]! ^= 1;
  assert.equal(refusal({ ...good, signature: flipped.toString('base64') }).code, 'BAD_SIGNATURE');
});

test('a key id the device does not trust is UNKNOWN_KEY, and so is everything with no trusted keys', () => {
  const signed = signManifest(manifest(), key.privateKeyPem, 'fleet-1');
  assert.deepEqual(refusal({ ...signed, keyId: 'fleet-2' }), { code: 'UNKNOWN_KEY', where: 'keyId' });
  assert.equal(refusal(signed, new Map()).code, 'UNKNOWN_KEY');
});

test('expiry and creation time are checked against the device clock', () => {
  assert.deepEqual(refusal(signManifest(manifest({ expiresAt: now.toISOString() }), key.privateKeyPem, 'fleet-1')), { code: 'EXPIRED', where: 'manifest.expiresAt' });
  assert.equal(refusal(signManifest(manifest({ expiresAt: new Date(now.getTime() - 1).toISOString() }), key.privateKeyPem, 'fleet-1')).code, 'EXPIRED');
  const ahead = (ms: number): SignedManifest => signManifest(manifest({ createdAt: new Date(now.getTime() + ms).toISOString() }), key.privateKeyPem, 'fleet-1');
  assert.deepEqual(refusal(ahead(MAX_CLOCK_SKEW_MS + 1000)), { code: 'NOT_YET_VALID', where: 'manifest.createdAt' });
  // Within ten minutes ahead is clock skew, not a manifest from the future.
  assert.equal(verifySignedManifest(ahead(MAX_CLOCK_SKEW_MS - 1000), trusted, now).version, 8);
});

test('a bad envelope names its field; signed text that is no manifest is BAD_MANIFEST naming the field', () => {
  const signed = signManifest(manifest(), key.privateKeyPem, 'fleet-1');
  assert.deepEqual(refusal({ ...signed, v: 2 }), { code: 'BAD_ENVELOPE', where: 'v' });
  assert.deepEqual(refusal({ ...signed, signature: 'short' }), { code: 'BAD_ENVELOPE', where: 'signature' });
  assert.equal(refusal('a string').code, 'BAD_ENVELOPE');
  assert.equal(refusal(null).code, 'BAD_ENVELOPE');
  // Correctly signed, but the text breaks the manifest schema: signed by a buggy signer, still refused.
  const sign = (text: string): SignedManifest => ({
    v: 1,
    manifest: text,
    signature: edSign(null, Buffer.from(text), createPrivateKey(key.privateKeyPem)).toString('base64'),
    keyId: 'fleet-1',
  });
  assert.deepEqual(refusal(sign('{"name":"x"')), { code: 'BAD_MANIFEST', where: 'manifest' });
  const bad = { ...manifest(), sha256: 'not-hex' };
  assert.deepEqual(refusal(sign(JSON.stringify(bad))), { code: 'BAD_MANIFEST', where: 'manifest.sha256' });
  const noUrl: Record<string, unknown> = { ...manifest() };
  delete noUrl.url;
  assert.deepEqual(refusal(sign(JSON.stringify(noUrl))), { code: 'BAD_MANIFEST', where: 'manifest.url' });
});

test('signing refuses an invalid manifest and a key that is not ed25519', () => {
  assert.throws(() => signManifest({ ...manifest(), version: -1 }, key.privateKeyPem, 'fleet-1'), (e: unknown) => isLookoutError(e) && e.code === 'BAD_MANIFEST' && e.where === 'manifest.version');
  assert.throws(() => signManifest(manifest(), 'not a key', 'fleet-1'), (e: unknown) => isLookoutError(e) && e.code === 'BAD_KEY');
  assert.throws(() => generateKeyPair('no/slash'), (e: unknown) => isLookoutError(e) && e.code === 'BAD_KEY');
  // A private key in the trust list is refused: it must never be on a device.
  assert.equal(refusal(signManifest(manifest(), key.privateKeyPem, 'fleet-1'), new Map([['fleet-1', key.privateKeyPem]])).code, 'BAD_KEY');
});
