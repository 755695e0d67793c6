import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/commands/dataset.ts';
import { tempDir } from './helpers.ts';

const CLI = join(import.meta.dirname, '../../src/cli.ts');

function lookout(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('`lookout dataset synth` writes a set that `lookout dataset check` passes, and check fails on a broken label', async (t) => {
  const out = join(await tempDir(t), 'set');
  const synth = lookout('dataset', 'synth', '--out', out, '--count', '5', '--width', '96', '--height', '64', '--val', '0.4', '--seed', '3', '--lighting', 'night');
  assert.equal(synth.code, 0, synth.stderr);
  assert.match(synth.stderr, /synth: 5\/5 \(100%\)/);
  assert.match(synth.stdout, /train: 3 images/);
  assert.equal((await readdir(join(out, 'images', 'val'))).length, 2);

  const ok = lookout('dataset', 'check', out);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /train: 3 images/);
  assert.match(ok.stdout, /val: 2 images/);

  const again = lookout('dataset', 'synth', '--out', out, '--count', '2');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /--out: .*\[OUT_NOT_EMPTY\]/);

  const [label] = await readdir(join(out, 'labels', 'train'));
  const file = join(out, 'labels', 'train', label!);
  await writeFile(file, '0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n');
  const bad = lookout('dataset', 'check', out);
  assert.equal(bad.code, 2);
  assert.ok(bad.stderr.includes(`${file}:2`), bad.stderr);
  assert.match(bad.stderr, /\[BAD_LABEL\]/);

  const replaced = lookout('dataset', 'synth', '--out', out, '--count', '2', '--width', '64', '--height', '48', '--force');
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal(lookout('dataset', 'check', out).code, 0);
});

test('bad options exit 2 with a message naming the option', async () => {
  const cases = [
    [['--out', '/tmp/never', '--count', '0'], '--count'],
    [['--out', '/tmp/never', '--width', 'wide'], '--width'],
    [['--out', '/tmp/never', '--format', 'gif'], '--format'],
    [['--out', '/tmp/never', '--appearance', 'odd'], '--appearance'],
    [['--out', '/tmp/never', '--nope'], '--nope'],
    [['--count', '3'], '--out'],
  ] as const;
  // In-process (the spawned run above covers the real entry point): capture what the command prints.
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  };
  try {
    for (const [args, option] of cases) {
      written.length = 0;
      const code = await run(['synth', ...args]);
      assert.equal(code, 2, args.join(' '));
      assert.ok(written.join('').startsWith(`lookout: ${option}: `), written.join(''));
    }
  } finally {
    process.stderr.write = original;
  }
});
