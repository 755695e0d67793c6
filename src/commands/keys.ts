/**
 * `lookout keys generate --out DIR [--id KEYID]`: makes the ed25519 key pair that signs model manifests.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, LookoutError, errorMessage } from '../errors.ts';
import { generateKeyPair } from '../protocol/manifest-signature.ts';
import { parseCommandArgs } from './detect.ts';

export const summary = 'make the ed25519 key pair that signs model manifests (the private key stays with the cloud)';

const USAGE = `usage: lookout keys generate --out DIR [--id KEYID]

Writes an ed25519 key pair for signing model manifests:
  DIR/KEYID.key   private key (PKCS#8 PEM, mode 0600): for the cloud service that signs
  DIR/KEYID.pub   public key (SPKI PEM): for each device, under update.trustedKeys.KEYID

The private key never goes to a device: a device needs only the .pub file. Whoever holds the .key can make
every device that trusts it run any model. Existing files are never overwritten.

  --out DIR     folder for the two files (created if missing)
  --id KEYID    key id, also the file names: letters, digits, "_", "." or "-" (default lookout-YYYY-MM-DD)
`;

/** Creates `path` with `text`; refuses (EXISTS) when it is there already. */
async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LookoutError('cli', 'EXISTS', 'file exists; keys are never overwritten', { where: path, cause: e });
    throw new LookoutError('cli', 'WRITE_FAILED', `cannot create: ${errorMessage(e)}`, { where: path, cause: e });
  }
  try {
    await handle.writeFile(text);
    // open()'s mode passes through the umask; the private key must end up 0600 whatever the umask.
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] !== 'generate' || positionals.length !== 1 || values.out === undefined) {
    process.stderr.write(USAGE);
    return EXIT_BAD_INPUT;
  }
  const keyId = values.id ?? `lookout-${new Date().toISOString().slice(0, 10)}`;
  const pair = generateKeyPair(keyId);
  const dir = values.out;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, `${keyId}.key`);
  const pubPath = join(dir, `${keyId}.pub`);
  await writeNew(keyPath, pair.privateKeyPem, 0o600);
  try {
    await writeNew(pubPath, pair.publicKeyPem, 0o644);
  } catch (e) {
    // A pair or nothing: a private key without its public half is of no use to anyone.
    await rm(keyPath, { force: true });
    throw e;
  }
  process.stdout.write(`private key: ${keyPath} (keep it with the cloud service; never copy it to a device)\npublic key:  ${pubPath} (devices: update.trustedKeys.${keyId})\n`);
  return 0;
}
