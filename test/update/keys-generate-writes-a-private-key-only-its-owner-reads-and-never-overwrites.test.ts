import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLookoutError } from '../../src/errors.ts';
import { loadTrustedKeys } from '../../src/agent/update/trusted-keys.ts';
import { signManifest, verifySignedManifest } from '../../src/protocol/manifest-signature.ts';
import { runCli } from '../detect/helpers/cli.ts';
import { manifestFor, tempDir } from './helpers.ts';

test('lookout keys generate writes KEYID.key (0600) and KEYID.pub, refuses to overwrite, and the pair signs and verifies', { timeout: 30_000 }, async () => {
  const dir = join(tempDir(), 'keys');
  const made = await runCli(['keys', 'generate', '--out', dir, '--id', 'fleet-2030']);
  assert.equal(made.code, 0, made.stderr);
  const keyPath = join(dir, 'fleet-2030.key');
  const pubPath = join(dir, 'fleet-2030.pub');
  assert.match(made.stdout, new RegExp(`${keyPath}.*never copy it to a device`));
  assert.match(made.stdout, new RegExp(pubPath));
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  const privateKeyPem = readFileSync(keyPath, 'utf8');
  const before = readFileSync(pubPath, 'utf8');

  const again = await runCli(['keys', 'generate', '--out', dir, '--id', 'fleet-2030']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /EXISTS/);
  assert.equal(readFileSync(keyPath, 'utf8'), privateKeyPem, 'the private key is untouched');
  assert.equal(readFileSync(pubPath, 'utf8'), before);

  // What a device does with the .pub file, and what the cloud does with the .key file.
  const trusted = await loadTrustedKeys({ 'fleet-2030': pubPath });
  const manifest = manifestFor(new Uint8Array([1]), 'https://models.example/m.onnx');
  assert.deepEqual(verifySignedManifest(signManifest(manifest, privateKeyPem, 'fleet-2030'), trusted, new Date()), manifest);
  // The private key file in a device's trust list is refused.
  await assert.rejects(loadTrustedKeys({ 'fleet-2030': keyPath }), /private key where a public key belongs/);
  writeFileSync(join(dir, 'junk.pub'), 'not a key');
  await assert.rejects(loadTrustedKeys({ junk: join(dir, 'junk.pub') }), (e: unknown) => isLookoutError(e) && e.code === 'BAD_KEY' && (e.where ?? '').startsWith('update.trustedKeys.junk'));

  const help = await runCli(['keys', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /private key never goes to a device/);
  const bad = await runCli(['keys', 'generate']);
  assert.equal(bad.code, 2);
});
