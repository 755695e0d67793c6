/**
 * A real mosquitto for tests: generated config in a temp dir, a free loopback port, listener on 127.0.0.1
 * only. Stop, kill, restart (same port, same persistence file), pause (SIGSTOP) and resume (SIGCONT).
 * The TLS variant makes a throw-away CA, server and client certificates with openssl (test time only) and
 * maps each client certificate's CN to its user name, so a per-device ACL (`%u`) applies.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export interface MosquittoOptions {
  /** Keep retained messages and sessions across restart (written on SIGTERM). */
  readonly persistence?: boolean;
  /** User name -> password; anonymous clients are then refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** TLS with client certificates: one certificate per name (its CN, and so its user name). */
  readonly tlsClients?: readonly string[];
  /** ACL file text (`pattern readwrite lookout/v1/dev/%u/#`, `user x` / `topic read #`, ...). */
  readonly acl?: string;
  /** More config lines. */
  readonly extra?: readonly string[];
}

export interface ClientCert {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly ca: string;
  /** A second CA that signed nothing the broker uses: a client trusting it must refuse the broker. */
  readonly wrongCa: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clients: Readonly<Record<string, ClientCert>>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => { resolve(false); });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** EC P-256 keys: fast to make, and mosquitto and Node both take them. */
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function signed(dir: string, name: string, cn: string, ca: string, extensions: string): Promise<ClientCert> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, extensions);
  await openssl(dir, ['req', ...EC, '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr]);
  await openssl(dir, ['x509', '-req', '-in', csr, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-out', cert, '-extfile', ext]);
  return { cert, key };
}

export async function makePki(dir: string, clients: readonly string[]): Promise<TestPki> {
  for (const ca of ['ca', 'wrong-ca']) {
    await openssl(dir, ['req', '-x509', ...EC, '-days', '2', '-subj', `/CN=lookout test ${ca}`, '-keyout', join(dir, `${ca}.key`), '-out', join(dir, `${ca}.crt`)]);
  }
  const ca = join(dir, 'ca');
  const server = await signed(dir, 'server', 'localhost', ca, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  const made: Record<string, ClientCert> = {};
  for (const name of clients) made[name] = await signed(dir, `client-${name}`, name, ca, 'extendedKeyUsage=clientAuth\n');
  return { ca: `${ca}.crt`, wrongCa: join(dir, 'wrong-ca.crt'), serverCert: server.cert, serverKey: server.key, clients: made };
}

export class Mosquitto {
  private process: ChildProcess | undefined;
  private stderr = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly conf: string,
    readonly pki: TestPki | undefined,
  ) {}

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-mosquitto-'));
    const port = await freePort();
    const lines = [
      `listener ${port} 127.0.0.1`,
      // Started as root, mosquitto drops to user "mosquitto", who cannot read this temp dir.
      `user ${userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'max_queued_messages 0',
    ];
    if (options.persistence === true) lines.push('persistence true', `persistence_location ${dir}/`);
    let pki: TestPki | undefined;
    if (options.tlsClients !== undefined) {
      pki = await makePki(dir, options.tlsClients);
      lines.push(`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, 'require_certificate true', 'use_identity_as_username true');
    }
    if (options.users !== undefined) {
      const file = join(dir, 'passwd');
      await writeFile(file, '');
      for (const [user, password] of Object.entries(options.users)) await run(MOSQUITTO_PASSWD, ['-b', file, user, password]);
      lines.push(`password_file ${file}`);
    }
    if (options.acl !== undefined) {
      const file = join(dir, 'acl');
      await writeFile(file, options.acl);
      lines.push(`acl_file ${file}`);
    }
    lines.push(`allow_anonymous ${options.users === undefined && options.tlsClients === undefined ? 'true' : 'false'}`, ...(options.extra ?? []));
    const conf = join(dir, 'mosquitto.conf');
    await writeFile(conf, `${lines.join('\n')}\n`);
    const broker = new Mosquitto(dir, port, conf, pki);
    await broker.launch();
    return broker;
  }

  get url(): string {
    return `${this.pki === undefined ? 'mqtt' : 'mqtts'}://127.0.0.1:${this.port}`;
  }

  /** The broker's process id while it runs (CPU accounting in the bench). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** What mosquitto printed (errors, warnings, notices). */
  log(): string {
    return this.stderr;
  }

  private async launch(): Promise<void> {
    if (this.process !== undefined) return;
    const child = spawn(MOSQUITTO, ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    const life = { exited: false };
    child.once('exit', () => {
      life.exited = true;
      if (this.process === child) this.process = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (life.exited) throw new Error(`mosquitto exited at start:\n${this.stderr}`);
      if (await accepts(this.port)) return;
      await sleep(25);
    }
    throw new Error(`mosquitto did not listen on ${this.port}:\n${this.stderr}`);
  }

  private async signal(signal: NodeJS.Signals, waitExit: boolean): Promise<void> {
    const child = this.process;
    if (child === undefined) return;
    if (!waitExit) {
      child.kill(signal);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
    child.kill(signal);
    // A paused broker acts on the signal once continued, before it reads anything more from its sockets.
    child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** SIGTERM: a clean stop (persistence written). A paused broker stops without reading what is waiting. */
  stop(): Promise<void> {
    return this.signal('SIGTERM', true);
  }

  /** SIGKILL: the broker vanishes. */
  kill(): Promise<void> {
    return this.signal('SIGKILL', true);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Starts it again after stop() or kill(), on the same port with the same config. */
  start(): Promise<void> {
    return this.launch();
  }

  pause(): Promise<void> {
    return this.signal('SIGSTOP', false);
  }

  resume(): Promise<void> {
    return this.signal('SIGCONT', false);
  }

  /** Stops the broker and removes its directory. */
  async dispose(): Promise<void> {
    await this.resume();
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
