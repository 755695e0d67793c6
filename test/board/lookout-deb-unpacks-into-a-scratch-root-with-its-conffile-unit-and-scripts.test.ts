import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildBoard, buildDeb, root } from './support/board-build.ts';
import { EM_AARCH64, elfMachine } from './support/elf.ts';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

// The .deb is unpacked with the real dpkg into a scratch root (`dpkg --root --unpack`): that runs no
// maintainer script (the package has no preinst), so it needs neither root daemons nor an arm64 shell. The
// configure step (postinst) would run chrooted in an arm64 root: its scripts are syntax-checked instead.
test('the arm64 .deb unpacks with dpkg into a scratch root: files, conffile, unit, udev rule, arm64-only natives, sound scripts', { timeout: 10 * 60_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'lookout-deb-'));
  t.after(() => {
    rmSync(work, { recursive: true, force: true });
  });
  const bundle = join(work, 'bundle');
  t.diagnostic(await buildBoard(bundle, false));
  const deb = await buildDeb('0.0.0~test', bundle);
  t.after(() => {
    rmSync(deb, { force: true });
  });

  const field = (name: string): string => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();
  assert.equal(field('Package'), 'lookout');
  assert.equal(field('Architecture'), 'arm64');
  assert.match(field('Depends'), /nodejs \(>= 20\)/, 'a bundle without its own Node depends on nodejs');
  assert.match(field('Depends'), /libc6 \(>= 2\.28\)/);
  assert.match(field('Recommends'), /rpicam-apps \| libcamera-apps/);

  const scratch = join(work, 'root');
  const admin = join(scratch, 'var/lib/dpkg');
  mkdirSync(join(admin, 'info'), { recursive: true });
  mkdirSync(join(admin, 'updates'), { recursive: true });
  writeFileSync(join(admin, 'status'), '');
  writeFileSync(join(admin, 'available'), '');
  const unpack = spawnSync('dpkg', ['--root', scratch, '--force-architecture', '--force-depends', '--unpack', deb], { encoding: 'utf8' });
  assert.equal(unpack.status, 0, unpack.stderr);

  const status = execFileSync('dpkg-query', ['--root', scratch, '-W', '-f', '${Status}\n${Conffiles}\n', 'lookout'], { encoding: 'utf8' });
  assert.match(status, /^install ok unpacked$/m);
  // dpkg records the checksum at configure; until then an unpacked conffile is marked "newconffile".
  assert.match(status, /^ \/etc\/lookout\/config\.yaml (newconffile|[0-9a-f]{32})$/m, 'config.yaml is registered as a conffile');

  for (const path of ['opt/lookout/dist/lookout.mjs', 'opt/lookout/dist/detect-worker.mjs', 'opt/lookout/dist/dashboard-static', 'opt/lookout/models/lookout-int8.onnx',
    'opt/lookout/models/lookout-int8.labels.txt', 'opt/lookout/models/MODEL_CARD.md', 'opt/lookout/board/profiles/raspberry-pi-5.yaml']) {
    assert.ok(existsSync(join(scratch, path)), `${path} is installed`);
  }
  // A conffile waits as NAME.dpkg-new until configure decides between it and the administrator's copy.
  assert.equal(readFileSync(join(scratch, 'etc/lookout/config.yaml.dpkg-new'), 'utf8'), readFileSync(join(root, 'board/config.yaml'), 'utf8'));
  assert.equal(statSync(join(scratch, 'opt/lookout/bin/lookout')).mode & 0o111, 0o111, 'the launcher is executable');
  assert.ok(lstatSync(join(scratch, 'usr/bin/lookout')).isSymbolicLink());
  assert.equal(readlinkSync(join(scratch, 'usr/bin/lookout')), '/opt/lookout/bin/lookout');
  assert.equal(readFileSync(join(scratch, 'lib/systemd/system/lookout.service'), 'utf8'), readFileSync(join(root, 'board/lookout.service'), 'utf8'));
  assert.match(readFileSync(join(scratch, 'lib/udev/rules.d/60-lookout-gpio.rules'), 'utf8'), /^SUBSYSTEM=="gpio", KERNEL=="gpiochip\[0-9\]\*", GROUP="gpio", MODE="0660"$/m);

  // Only what the agent loads on linux/arm64: no cloud-only packages, no other platform's binaries.
  const modules = join(scratch, 'opt/lookout/node_modules');
  assert.deepEqual(readdirSync(modules).sort(), ['@img', 'detect-libc', 'onnxruntime-common', 'onnxruntime-node', 'semver', 'sharp']);
  assert.deepEqual(readdirSync(join(modules, '@img')).sort(), ['colour', 'sharp-libvips-linux-arm64', 'sharp-linux-arm64']);
  const natives = walk(modules).filter((p) => /\.(node|so(\.\d+)*)$/.test(p));
  assert.ok(natives.some((p) => p.endsWith('onnxruntime_binding.node')), 'the onnxruntime binding is there');
  assert.ok(natives.some((p) => /sharp-linux-arm64.*\.node$/.test(p)), 'the sharp binding is there');
  for (const p of natives) assert.equal(elfMachine(p), EM_AARCH64, `${relative(scratch, p)} is an arm64 ELF`);

  // Maintainer scripts: parse with the shell that runs them, and handle every dpkg action they are called with.
  const info = join(admin, 'info');
  for (const script of ['postinst', 'prerm', 'postrm']) {
    const path = join(info, `lookout.${script}`);
    assert.ok(existsSync(path), `${script} is registered`);
    const check = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${script}: ${check.stderr}`);
  }
  const postinst = readFileSync(join(info, 'lookout.postinst'), 'utf8');
  assert.match(postinst, /adduser --system --group --home \/var\/lib\/lookout/);
  assert.match(postinst, /\[ -d \/run\/systemd\/system \]/, 'systemctl start is guarded for chroots');
  assert.match(readFileSync(join(info, 'lookout.postrm'), 'utf8'), /purge\)[\s\S]*rm -rf \/var\/lib\/lookout/);
});
