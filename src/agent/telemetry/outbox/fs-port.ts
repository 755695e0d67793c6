/**
 * The file-system calls the outbox makes, as a port: production uses node:fs; tests wrap it to count writes and
 * syncs (the group-commit promise) or to fail them.
 */
import { mkdir, open, readFile, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';

/** A segment file opened for appending. */
export interface OutboxFile {
  /** Writes `data[offset, offset + length)` at the current position; returns the bytes written (may be fewer). */
  write(data: Uint8Array, offset: number, length: number): Promise<number>;
  /** fdatasync(2): the data and the size are on the medium when it resolves. */
  datasync(): Promise<void>;
  /** Cuts the file back to `length` bytes (after a failed write). */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface OutboxFs {
  mkdir(dir: string): Promise<void>;
  /** The names (not paths) in `dir`. */
  list(dir: string): Promise<string[]>;
  readFile(path: string): Promise<Uint8Array>;
  /** Creates a new file, failing if it exists (O_EXCL): segment names are never reused. */
  create(path: string): Promise<OutboxFile>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Truncates an existing file to `length` and fsyncs it. */
  truncate(path: string, length: number): Promise<void>;
  /** fsync(2) on the directory, so created, renamed and deleted names survive power loss. */
  syncDir(dir: string): Promise<void>;
}

class NodeOutboxFile implements OutboxFile {
  private readonly handle: FileHandle;

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  async write(data: Uint8Array, offset: number, length: number): Promise<number> {
    const { bytesWritten } = await this.handle.write(data, offset, length);
    return bytesWritten;
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export const nodeOutboxFs: OutboxFs = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  list: (dir) => readdir(dir),
  readFile: (path) => readFile(path),
  async create(path) {
    return new NodeOutboxFile(await open(path, 'wx'));
  },
  rename,
  unlink,
  async truncate(path, length) {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async syncDir(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
