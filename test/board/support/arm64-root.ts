/**
 * An arm64 Debian 12 (bookworm) minbase root for running the .deb and the board commands for real: built once
 * with debootstrap (its second stage runs arm64 binaries under qemu-user through binfmt_misc), cached as a
 * tarball under dist/board-cache/ keyed by the debootstrap inputs, and extracted fresh for every test.
 *
 * Commands run chrooted in a private mount namespace (`unshare -m`), so the /proc, /sys and bind mounts they
 * need vanish with the command and none is left on the host.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, withLock } from './board-build.ts';

const QEMU = '/usr/bin/qemu-aarch64-static';
const BINFMT = '/proc/sys/fs/binfmt_misc';
const BINFMT_CONF = '/usr/lib/binfmt.d/qemu-aarch64.conf';

/** What debootstrap is asked for; every field is part of the cache key. */
const BOOTSTRAP = {
  arch: 'arm64',
  variant: 'minbase',
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  // adduser: the package's Depends (priority important, so not in minbase; Raspberry Pi OS has it).
  // systemd: Raspberry Pi OS has it; the agent sends sd_notify messages with its systemd-notify, and
  // `systemctl` in the maintainer scripts behaves as in an image build's chroot (no PID 1).
  include: ['adduser', 'systemd'],
} as const;

/**
 * qemu-user passes the host's /proc/cpuinfo through (x86 lines); onnxruntime's cpuinfo finds no arm64
 * processor in it and crashes, so every command sees the Pi 4's (arm64-bundle-detects-and-runs-under-qemu).
 */
const CPUINFO = new URL('./arm64-cpuinfo.txt', import.meta.url).pathname;

/** systemd's default PATH for services (systemd.exec(5), "Environment variables in spawned processes"). */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$0"', tool], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes arm64 binaries runnable in a chroot, or says exactly what is missing: root, debootstrap, qemu, and a
 * qemu-aarch64 binfmt_misc entry with the F flag (the kernel opens the interpreter at registration, so the
 * chroot needs no qemu binary inside; binfmt_misc.rst).
 */
export function arm64RootUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (debootstrap, chroot, mount and unshare need root)';
  if (!onPath('debootstrap')) return 'debootstrap is not installed (Debian package debootstrap)';
  if (!onPath('unshare') || !onPath('chroot')) return 'unshare or chroot is missing (util-linux, coreutils)';
  if (!existsSync(QEMU)) return `${QEMU} is missing (Debian package qemu-user-static)`;
  if (!existsSync(join(BINFMT, 'register'))) {
    const mount = spawnSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT], { encoding: 'utf8' });
    if (mount.status !== 0) return `binfmt_misc is not mounted on ${BINFMT} and mounting it failed: ${mount.stderr.trim()}`;
  }
  const entry = join(BINFMT, 'qemu-aarch64');
  if (!existsSync(entry)) {
    if (!existsSync(BINFMT_CONF)) return `no qemu-aarch64 binfmt entry and no ${BINFMT_CONF} to register one from (qemu-user-static)`;
    try {
      writeFileSync(join(BINFMT, 'register'), readFileSync(BINFMT_CONF, 'utf8').trim());
    } catch (e) {
      return `registering qemu-aarch64 with ${BINFMT}/register failed: ${(e as Error).message}`;
    }
  }
  const state = readFileSync(entry, 'utf8');
  if (!/^enabled$/m.test(state)) return `${entry} is disabled`;
  if (!/^flags: .*F/m.test(state)) return `${entry} lacks the F flag: the chroot would need qemu-aarch64-static inside it`;
  return undefined;
}

function debootstrapVersion(): string {
  return execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'debootstrap'], { encoding: 'utf8' }).trim();
}

/** The cached tarball of the root, built by debootstrap when absent. Takes minutes the first time. */
export async function arm64RootTarball(): Promise<string> {
  const cache = join(root, 'dist', 'board-cache');
  const key = createHash('sha256').update(JSON.stringify({ ...BOOTSTRAP, debootstrap: debootstrapVersion() })).digest('hex').slice(0, 16);
  const tarball = join(cache, `debian-${BOOTSTRAP.suite}-${BOOTSTRAP.arch}-${BOOTSTRAP.variant}-${key}.tar`);
  return withLock('debootstrap.lock', 30 * 60_000, () => {
    if (existsSync(tarball)) return tarball;
    const work = mkdtempSync(join(cache, 'debootstrap-'));
    try {
      const target = join(work, 'root');
      // debootstrap mounts /proc and /sys in the target; the namespace unmounts them even when it is killed.
      const run = spawnSync('unshare', ['-m', '--propagation', 'private', 'debootstrap', `--arch=${BOOTSTRAP.arch}`, `--variant=${BOOTSTRAP.variant}`,
        `--include=${BOOTSTRAP.include.join(',')}`, BOOTSTRAP.suite, target, BOOTSTRAP.mirror], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (run.status !== 0) {
        const log = existsSync(join(target, 'debootstrap/debootstrap.log')) ? readFileSync(join(target, 'debootstrap/debootstrap.log'), 'utf8').slice(-4000) : '';
        throw new Error(`debootstrap failed (${String(run.status)}): ${run.stderr.slice(-2000)}\n${log}`);
      }
      // No package lists: apt in the root knows only what is installed and the .deb it is given, so a test
      // needs no network and the package's Recommends (gpiod, rpicam-apps) are left out, not fetched.
      rmSync(join(target, 'var/lib/apt/lists'), { recursive: true, force: true });
      mkdirSync(join(target, 'var/lib/apt/lists/partial'), { recursive: true });
      execFileSync('tar', ['--numeric-owner', '-C', target, '-cf', `${tarball}.part`, '.']);
      renameSync(`${tarball}.part`, tarball);
      return tarball;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

/** A fresh copy of the cached root in `dir` (a new folder); returns its path. */
export async function freshArm64Root(dir: string): Promise<string> {
  const tarball = await arm64RootTarball();
  const target = join(dir, 'root');
  mkdirSync(target);
  execFileSync('tar', ['--numeric-owner', '-C', target, '-xf', tarball]);
  return target;
}

export interface Bind {
  readonly host: string;
  /** Absolute path inside the root; created when absent. */
  readonly inRoot: string;
}

/**
 * The part of systemd's sandbox a mount namespace can reproduce (systemd.exec(5)): ProtectSystem=strict makes
 * the whole tree read-only except `writable`, PrivateTmp=yes gives empty private /tmp and /var/tmp, and
 * ProtectHome=yes hides /home and /root.
 */
export interface Sandbox {
  readonly writable: readonly string[];
  readonly privateTmp: boolean;
  readonly protectHome: boolean;
}

export interface ChrootOptions {
  readonly binds?: readonly Bind[];
  readonly sandbox?: Sandbox;
  readonly env?: Readonly<Record<string, string>>;
}

function q(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** The `unshare -m sh -c SCRIPT` argv that runs `argv` chrooted in `rootDir` with `options`' mounts. */
export function chrootCommand(rootDir: string, argv: readonly string[], options: ChrootOptions = {}): string[] {
  const r = (p: string): string => q(join(rootDir, p));
  const lines = ['set -e'];
  if (options.sandbox !== undefined) lines.push(`mount --bind ${q(rootDir)} ${q(rootDir)}`);
  lines.push(`mount -t proc proc ${r('/proc')}`, `mount --bind ${q(CPUINFO)} ${r('/proc/cpuinfo')}`, `mount -t sysfs sysfs ${r('/sys')}`);
  for (const bind of options.binds ?? []) {
    lines.push(`mkdir -p ${r(bind.inRoot)}`, `mount --bind ${q(bind.host)} ${r(bind.inRoot)}`);
  }
  const sandbox = options.sandbox;
  if (sandbox !== undefined) {
    for (const path of sandbox.writable) lines.push(`mount --bind ${r(path)} ${r(path)}`);
    if (sandbox.privateTmp) lines.push(`mount -t tmpfs -o mode=1777 tmpfs ${r('/tmp')}`, `mount -t tmpfs -o mode=1777 tmpfs ${r('/var/tmp')}`);
    if (sandbox.protectHome) lines.push(`mount -t tmpfs -o ro,mode=0755 tmpfs ${r('/home')}`, `mount -t tmpfs -o ro,mode=0700 tmpfs ${r('/root')}`);
    lines.push(`mount -o remount,bind,ro ${q(rootDir)}`);
  }
  lines.push(`exec chroot ${q(rootDir)} "$@"`);
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', lines.join('\n'), 'chroot-run', ...argv];
}

function environment(options: ChrootOptions): Record<string, string> {
  return { PATH: SERVICE_PATH, HOME: '/root', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', ...options.env };
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` chrooted in `rootDir` and waits for it. */
export function inRoot(rootDir: string, argv: readonly string[], options: ChrootOptions = {}, timeoutMs = 5 * 60_000): Promise<Run> {
  const [cmd, ...args] = chrootCommand(rootDir, argv, options);
  const child = spawn(cmd!, args, { env: environment(options), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `argv` chrooted in `rootDir` without waiting (a service). */
export function spawnInRoot(rootDir: string, argv: readonly string[], options: ChrootOptions = {}): ReturnType<typeof spawn> {
  const [cmd, ...args] = chrootCommand(rootDir, argv, options);
  return spawn(cmd!, args, { env: environment(options), stdio: ['ignore', 'pipe', 'pipe'] });
}
