import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { lookout, type CliResult } from './support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lookout-corrupt-config-'));
// Others must reach the files when the unreadable case drops root.
chmodSync(dir, 0o755);
const journalPath = join(dir, 'gpio.jsonl');

/** A valid config that drives a relay at once: if `run` got past the loader, the journal would show it. */
const valid = [
  '# lookout agent',
  'device: { id: corrupt-1 }',
  'camera: { source: synthetic, width: 160, height: 120, fps: 10, seed: 1 }',
  `detector: { model: ${JSON.stringify(fixtureModel('v8-names'))}, providers: [cpu], threads: 1 }`,
  'rules: [{ name: person, classes: [person], framesToFire: 1, output: siren }]',
  `gpio: { backend: sim, simFile: ${JSON.stringify(journalPath)}, outputs: [{ name: siren, line: 17, activeLow: true }] }`,
  '',
].join('\n');
const bytes = Buffer.from(valid, 'utf8');
const at = (needle: string): number => bytes.indexOf(needle);

interface Case {
  readonly name: string;
  readonly make: (path: string) => void;
  /** What the error must name besides the file: a position for byte-level faults, a reason otherwise. */
  readonly names: RegExp;
}

const cases: Case[] = [
  {
    name: 'YAML truncated mid-token',
    make: (path) => { writeFileSync(path, bytes.subarray(0, at('outputs: [{ name: si') + 'outputs: [{ name: si'.length)); },
    names: /line \d+:\d+/,
  },
  {
    name: 'binary garbage',
    // A fixed pseudo-random stream (xorshift), so a failure reproduces.
    make: (path) => {
      let x = 0x9e3779b9;
      writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x & 0xff;
      })));
    },
    names: /line \d+:\d+ \(byte \d+\)/,
  },
  {
    name: 'a NUL byte inside a value',
    make: (path) => {
      const i = at('corrupt-1') + 3;
      writeFileSync(path, Buffer.concat([bytes.subarray(0, i), Buffer.from([0]), bytes.subarray(i)]));
    },
    names: new RegExp(`line 2:\\d+ \\(byte ${at('corrupt-1') + 3}\\)`),
  },
  {
    name: 'invalid UTF-8 in a comment',
    // In a comment the schema never sees it: only the byte check can catch it.
    make: (path) => { writeFileSync(path, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n'), bytes])); },
    names: /line 1:6 \(byte 5\)/,
  },
  {
    name: 'a 50 MB file',
    make: (path) => { writeFileSync(path, Buffer.concat([bytes, Buffer.from('# '), Buffer.alloc(50 * 1024 * 1024, 'x'), Buffer.from('\n')])); },
    names: /\d{8} bytes.*CONFIG_TOO_LARGE/,
  },
  {
    name: 'a directory instead of a file',
    make: (path) => { mkdirSync(path); },
    names: /directory.*CONFIG_NOT_A_FILE/,
  },
];

function assertRefused(r: CliResult, file: string, names: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit code; stderr:\n${r.stderr}`);
  assert.ok(r.stderr.includes(file), `${what}: the error names the file:\n${r.stderr}`);
  assert.match(r.stderr, names, `${what}: the error names where`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: no stack trace`);
  assert.ok(r.stderr.trim().split('\n').length <= 2, `${what}: one error, not a dump:\n${r.stderr}`);
}

test('corrupt config bytes: check-config and run exit 2 naming the file and the position, and run touches no output', { timeout: 120_000 }, async (t) => {
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });

  await t.test('control: the intact config is valid and run drives the relay', async () => {
    const file = join(dir, 'intact.yaml');
    writeFileSync(file, bytes);
    assert.equal((await lookout(['check-config', file])).code, 0);
    const r = await lookout(['run', '--config', file, '--duration', '1.5']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(journalPath) && readFileSync(journalPath, 'utf8').includes('"siren"'), 'the journal records the relay');
    rmSync(journalPath);
  });

  await t.test('a UTF-8 byte order mark is accepted', async () => {
    const file = join(dir, 'bom.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
    const r = await lookout(['check-config', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid \(1 output\(s\), 1 rule\(s\), camera synthetic\)/);
  });

  for (const c of cases) {
    await t.test(c.name, async () => {
      const file = join(dir, `${c.name.replaceAll(/\W+/g, '-')}.yaml`);
      c.make(file);
      assertRefused(await lookout(['check-config', file]), file, c.names, 'check-config');
      assertRefused(await lookout(['run', '--config', file]), file, c.names, 'run');
      assert.equal(existsSync(journalPath), false, 'run touched no output');
    });
  }

  await t.test('an unreadable file', { skip: process.getuid?.() === 0 && !existsSync('/usr/bin/setpriv') ? 'root reads any file and setpriv is missing' : false }, async () => {
    const file = join(dir, 'unreadable.yaml');
    writeFileSync(file, bytes);
    chmodSync(file, 0o000);
    // Root reads any file whatever its mode: drop to nobody so the permission bits apply.
    const prefix = process.getuid?.() === 0 ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    for (const args of [['check-config', file], ['run', '--config', file]]) {
      assertRefused(await lookout(args, { prefix }), file, /EACCES.*CONFIG_NOT_FOUND/, args[0]!);
    }
    assert.equal(existsSync(journalPath), false, 'run touched no output');
  });
});
