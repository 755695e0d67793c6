import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function checkConfig(yaml: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'lookout-config-')), 'config.yaml');
  writeFileSync(file, yaml);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'check-config', file], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

test('a valid config passes with a summary', async () => {
  const r = await checkConfig(`
camera: { source: libcamera, width: 1280, height: 720, fps: 30 }
gpio:
  backend: gpiod
  outputs: [{ name: relay, line: GPIO17, chip: pinctrl-rp1, activeLow: true }]
rules:
  - { name: person, classes: [person], output: relay }
`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid \(1 output\(s\), 1 rule\(s\), camera libcamera\)/);
});

test('every error is printed with its path and the exit code is 2', async () => {
  const r = await checkConfig(`
camera: { source: libcamera, width: -5, fps: 30 }
gpio:
  outputs: [{ name: relay, line: 17 }]
rules:
  - { name: a, output: relay, minScore: 2 }
  - { name: b, output: relay, zones: [[[0, 0], [1, 0]]] }
  - { name: c, output: siren }
`);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  for (const path of ['camera.width', 'rules[0].minScore', 'rules[1].zones[0]', 'rules[2].output']) {
    assert.ok(lines.some((l) => l.includes(`: ${path}: `)), `${path} missing from:\n${r.stderr}`);
  }
});

test('YAML syntax errors name the line', async () => {
  const r = await checkConfig('camera: { source: synthetic\nrules: [\n');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /line \d+:\d+/);
});

test('an unknown camera source and an unknown key are refused', async () => {
  const r = await checkConfig('camera: { source: webcam }\ndetecter: {}\n');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /camera\.source/);
  assert.match(r.stderr, /detecter/);
});
