/**
 * A real PostgreSQL for tests: `initdb` + `postgres` in a temp dir on a free loopback port, run as an
 * unprivileged user when the tests run as root (the server refuses root: "root" execution of the PostgreSQL
 * server is not permitted). fsync off: the data is thrown away. Stop with SIGINT ("fast shutdown" in the
 * server's signal table), then the dir is removed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's postgresql-15 package; `LOOKOUT_PG_BIN` points elsewhere. */
export const PG_BIN = process.env['LOOKOUT_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const NOBODY = { uid: 65534, gid: 65534 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a server binary, as `nobody` when this process is root. */
function asServerUser(bin: string, args: readonly string[]): [string, string[]] {
  const path = join(PG_BIN, bin);
  if (process.getuid?.() !== 0) return [path, [...args]];
  return ['setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', path, ...args]];
}

export class Postgres {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  private constructor(readonly dir: string, readonly port: number) {}

  /** The URL a `pg` client connects with: TCP on 127.0.0.1, trust auth, user `lookout`. */
  get url(): string {
    return `postgresql://lookout@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<Postgres> {
    try {
      await access(join(PG_BIN, 'postgres'));
    } catch (cause) {
      throw new Error(
        `PostgreSQL is not installed: ${join(PG_BIN, 'postgres')} is missing. Install the Debian package ` +
          `postgresql-15 (or set LOOKOUT_PG_BIN to the folder holding initdb and postgres).`,
        { cause },
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'lookout-pg-'));
    if (process.getuid?.() === 0) await chown(dir, NOBODY.uid, NOBODY.gid);
    const pg = new Postgres(dir, await freePort());
    try {
      await pg.init();
      await pg.launch();
    } catch (e) {
      await pg.stop();
      throw e;
    }
    return pg;
  }

  private async init(): Promise<void> {
    const [cmd, args] = asServerUser('initdb', [
      '-D', join(this.dir, 'data'), '-U', 'lookout', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C',
    ]);
    await run(cmd, args, { cwd: this.dir });
  }

  private async launch(): Promise<void> {
    const [cmd, args] = asServerUser('postgres', [
      '-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'max_connections=50',
    ]);
    let log = '';
    const child = spawn(cmd, args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => { log = (log + chunk.toString()).slice(-4000); });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => { resolve(); }));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log}`);
      try {
        await run(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'lookout', '-t', '1']);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`postgres not ready after 20 s: ${log}`);
        await sleep(100);
      }
    }
  }

  /** A fresh, empty database on this server; returns its URL. */
  async createDatabase(name: string): Promise<string> {
    await run(join(PG_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'lookout', name]);
    return `postgresql://lookout@127.0.0.1:${this.port}/${name}`;
  }

  /** SIGINT is the fast shutdown; safe to call twice. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.exitCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGINT');
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
