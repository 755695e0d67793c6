import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { LookoutError } from '../../errors.ts';
import type { BlobStore } from './blob-store.ts';
import { checkBlobKey } from './blob-key.ts';

/** Blobs as files under one root folder. */
export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  /** Key checks first, then the resolved path must still be inside the root (a second, independent guard). */
  private pathOf(key: string): string {
    checkBlobKey(key);
    const root = resolve(this.root);
    const path = resolve(root, key);
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) {
      throw new LookoutError('store', 'STORE_BAD_BLOB_KEY', `blob key ${JSON.stringify(key)} leaves the root`, { where: key });
    }
    return path;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // rename(2) replaces atomically within one filesystem: readers never see half a JPEG.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
