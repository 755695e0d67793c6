/**
 * The public keys a device trusts to sign model manifests, read once at start from the files `update.trustedKeys`
 * names. A key that cannot be read stops the start (the config is wrong), naming the key id and the file.
 */
import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { LookoutError, errorMessage } from '../../errors.ts';
import { publicKeyFrom } from '../../protocol/manifest-signature.ts';

export async function loadTrustedKeys(files: Readonly<Record<string, string>>, resolvePath: (path: string) => string = (p) => p): Promise<Map<string, KeyObject>> {
  const keys = new Map<string, KeyObject>();
  for (const [keyId, file] of Object.entries(files)) {
    const path = resolvePath(file);
    const where = `update.trustedKeys.${keyId} (${path})`;
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (e) {
      throw new LookoutError('update', 'BAD_KEY', `cannot read the public key file: ${errorMessage(e)}`, { where, cause: e });
    }
    keys.set(keyId, publicKeyFrom(pem, where));
  }
  return keys;
}
