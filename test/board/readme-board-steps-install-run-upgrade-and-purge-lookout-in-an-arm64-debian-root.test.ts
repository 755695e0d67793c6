import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { arm64RootUnavailable, freshArm64Root, inRoot, SERVICE_PATH, spawnInRoot, type Run } from './support/arm64-root.ts';
import { buildBoard, buildDebCached, root } from './support/board-build.ts';
import { gpioLevels, heldBy, installStandIns, padForPisp, personScene, RECORD_IN_ROOT } from './support/board-stand-ins.ts';
import { startNotifyListener } from './support/notify-listener.ts';
import { bool, environment, readServiceSection, single, watchdogUsec, words } from './support/systemd-unit.ts';

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const missing = arm64RootUnavailable();

function ok(run: Run, what: string): string {
  assert.equal(run.code, 0, `${what} exited ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** Every descendant of `pid` (the service's "control group": the agent, rpicam-vid, gpioset and their children). */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
    } catch {
      return []; // exited while listing
    }
  });
  return children.flatMap((c) => [c, ...descendants(c)]);
}

async function until(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

// Issue 7: README "Put it on a board", every command, in an arm64 Debian 12 root (debootstrap minbase, run under
// qemu-user through binfmt_misc). Adjusted only where a chroot demands it: no sudo (already root), apt gets -y
// (no terminal to answer), `systemctl restart` is replaced by starting the unit's ExecStart= as systemd would
// (no systemd as PID 1 here), and the camera and GPIO chip are stand-ins (board-stand-ins.ts).
test('README board steps in an arm64 Debian 12 root: apt install, profile, check-config, doctor, the service run with the relay clicking, upgrade, remove, purge',
  { skip: missing === undefined ? false : `needs an arm64 chroot: ${missing}`, timeout: 20 * 60_000 }, async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'lookout-chroot-'));
    t.after(() => {
      rmSync(work, { recursive: true, force: true });
    });
    const bundle = join(work, 'bundle');
    const started = Date.now();
    t.diagnostic(await buildBoard(bundle, true));
    const deb = await buildDebCached(version, bundle);
    rmSync(bundle, { recursive: true, force: true });
    t.diagnostic(`bundle and .deb: ${Date.now() - started} ms`);
    const rootDir = await freshArm64Root(work);
    t.diagnostic(`root ready: ${Date.now() - started} ms`);
    const debName = `lookout_${version}_arm64.deb`;
    copyFileSync(deb, join(rootDir, 'root', debName));
    const sh = (script: string): Promise<Run> => inRoot(rootDir, ['sh', '-c', script]);

    // --- sudo apt install ./lookout_<version>_arm64.deb: dpkg runs postinst configure for real.
    ok(await sh(`cd /root && apt install -y ./${debName}`), 'apt install');
    t.diagnostic(`installed: ${Date.now() - started} ms`);
    assert.equal(ok(await sh("dpkg-query -W -f '${Status} ${Version}' lookout"), 'dpkg-query'), `install ok installed ${version}`);
    const passwd = ok(await sh('getent passwd lookout'), 'getent').trim().split(':');
    assert.equal(passwd[5], '/var/lib/lookout');
    assert.equal(passwd[6], '/usr/sbin/nologin');
    assert.ok(Number(passwd[2]) < 1000, `lookout is a system user (uid ${passwd[2]})`);
    const groups = ok(await sh('id -nG lookout'), 'id').trim().split(' ');
    for (const g of ['gpio', 'video']) assert.ok(groups.includes(g), `lookout is in ${g}: ${groups.join(' ')}`);
    assert.equal(ok(await sh('stat -c "%U:%G %a" /var/lib/lookout /etc/lookout/config.yaml'), 'stat'), 'lookout:lookout 750\nroot:lookout 640\n');
    assert.equal(ok(await sh('readlink /usr/bin/lookout'), 'readlink').trim(), '/opt/lookout/bin/lookout');
    assert.ok(existsSync(join(rootDir, 'lib/udev/rules.d/60-lookout-gpio.rules')), 'the udev rule is installed');
    // Enabled offline, as in an image build: the WantedBy= symlink, and systemctl (no PID 1) agrees.
    assert.equal(lstatSync(join(rootDir, 'etc/systemd/system/multi-user.target.wants/lookout.service')).isSymbolicLink(), true);
    assert.equal(ok(await sh('systemctl is-enabled lookout.service'), 'is-enabled').trim(), 'enabled');
    const conffiles = ok(await sh("dpkg-query -W -f '${Conffiles}' lookout"), 'conffiles');
    const md5 = execFileSync('md5sum', [join(root, 'board/config.yaml')], { encoding: 'utf8' }).split(' ')[0];
    assert.match(conffiles, new RegExp(`^ /etc/lookout/config\\.yaml ${md5}$`, 'm'), 'config.yaml is a conffile with the shipped checksum');

    // --- sudo cp /opt/lookout/board/profiles/raspberry-pi-5.yaml /etc/lookout/config.yaml (cp keeps root:lookout 0640).
    ok(await sh('cp /opt/lookout/board/profiles/raspberry-pi-5.yaml /etc/lookout/config.yaml'), 'cp profile');
    assert.equal(ok(await sh('stat -c "%U:%G %a" /etc/lookout/config.yaml'), 'stat'), 'root:lookout 640\n');

    // --- sudo -u lookout lookout check-config /etc/lookout/config.yaml (runuser: the root has no sudo). Why the
    // README says `-u lookout`: a login user like Raspberry Pi OS's first one (groups gpio, video) cannot read the
    // 0640 root:lookout config; the service's user can.
    ok(await sh("adduser --disabled-password --gecos '' pi >/dev/null && adduser pi gpio >/dev/null && adduser pi video >/dev/null"), 'adduser pi');
    const asPi = await sh('runuser -u pi -- lookout check-config /etc/lookout/config.yaml');
    assert.equal(asPi.code, 2, `a user outside group lookout is refused with exit 2 (bad input): ${asPi.stdout}${asPi.stderr}`);
    assert.match(asPi.stdout + asPi.stderr, /\/etc\/lookout\/config\.yaml/, 'the refusal names the file');
    assert.match(asPi.stdout + asPi.stderr, /EACCES|permission denied/i);
    const check = await sh('runuser -u lookout -- lookout check-config /etc/lookout/config.yaml');
    ok(check, 'check-config as lookout');
    t.diagnostic(`check-config: ${check.stdout.trim().split('\n').slice(0, 2).join(' | ')}`);

    // --- sudo -u lookout lookout doctor --config /etc/lookout/config.yaml: no camera tool, no libgpiod tools here; the model loads.
    const doctor = await sh('runuser -u lookout -- lookout doctor --config /etc/lookout/config.yaml');
    t.diagnostic(`doctor:\n${doctor.stdout}`);
    assert.equal(doctor.code, 1, `doctor exits 1 when something is missing: ${doctor.stdout}${doctor.stderr}`);
    assert.match(doctor.stdout, /^\[FAIL\] camera tool +none of rpicam-vid, libcamera-vid on PATH$/m);
    assert.match(doctor.stdout, /^\[FAIL\] gpio outputs +.*gpioset/m);
    assert.match(doctor.stdout, /^\[ ok \] provider cpu +model loads/m);

    // --- sudo systemctl restart lookout: what systemd would start, read from the installed unit.
    const unit = readServiceSection(join(rootDir, 'lib/systemd/system/lookout.service'));
    assert.equal(single(unit, 'Type'), 'notify');
    assert.equal(single(unit, 'KillMode'), 'control-group');
    assert.equal(single(unit, 'KillSignal'), 'SIGTERM');
    const user = single(unit, 'User');
    const group = single(unit, 'Group');
    const supplementary = words(unit, 'SupplementaryGroups');
    const stateDir = `/var/lib/${single(unit, 'StateDirectory')}`;
    assert.equal(single(unit, 'WorkingDirectory'), stateDir);
    assert.equal(single(unit, 'ProtectSystem'), 'strict');
    const initGroups = ok(await sh(`id -nG ${user}`), 'id').trim().split(' ');

    const records = join(work, 'standin');
    mkdirSync(records);
    const scene = await personScene(640, 480);
    t.diagnostic(`camera stand-in: synthetic scene seed ${scene.seed}, person found on this machine with score ${scene.score.toFixed(2)}`);
    installStandIns(rootDir, records, { width: 640, height: 480, data: padForPisp(scene.i420, 640, 480) });

    const listener = await startNotifyListener();
    t.after(() => {
      listener.close();
    });
    // PID 1's socket is writable by every service user.
    chmodSync(dirname(listener.socket), 0o755);
    chmodSync(listener.socket, 0o777);
    const notifyInRoot = '/run/systemd-notify-test/notify.sock';
    const env = {
      ...environment(unit),
      PATH: SERVICE_PATH,
      LANG: 'C.UTF-8',
      HOME: stateDir,
      USER: user,
      LOGNAME: user,
      SHELL: '/usr/sbin/nologin',
      NOTIFY_SOCKET: notifyInRoot,
      WATCHDOG_USEC: String(watchdogUsec(unit)),
    };
    // WATCHDOG_PID is the main PID: this shell's, kept through the execs of setpriv, the launcher and node.
    const execStart = single(unit, 'ExecStart');
    const start = `cd ${stateDir} && export WATCHDOG_PID=$$ && exec setpriv --reuid=${user} --regid=${group} ` +
      `--groups=${[...new Set([...initGroups, ...supplementary])].join(',')} ${bool(unit, 'NoNewPrivileges') ? '--no-new-privs ' : ''}-- ${execStart}`;
    const service: ChildProcess = spawnInRoot(rootDir, ['sh', '-c', start], {
      env,
      binds: [{ host: dirname(listener.socket), inRoot: dirname(notifyInRoot) }, { host: records, inRoot: RECORD_IN_ROOT }],
      sandbox: { writable: [stateDir, ...words(unit, 'ReadWritePaths')], privateTmp: bool(unit, 'PrivateTmp'), protectHome: bool(unit, 'ProtectHome') },
    });
    let journal = '';
    service.stdout?.on('data', (c: Buffer) => (journal += c.toString()));
    service.stderr?.on('data', (c: Buffer) => (journal += c.toString()));
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => {
      resolve(code);
    }));
    t.after(() => {
      if (service.exitCode === null && service.pid !== undefined) signalAll([service.pid, ...descendants(service.pid)], 'SIGKILL');
    });
    const pid = service.pid!;
    const serviceStart = Date.now();
    const alive = (): boolean => service.exitCode === null;
    try {
      await until('READY=1', 180_000, () => listener.with('READY=1').length > 0 || !alive());
      assert.ok(alive(), `the service exited before READY=1:\n${journal}`);
      t.diagnostic(`READY=1 after ${Date.now() - serviceStart} ms`);
      // journalctl -u lookout -f: the journal shows the rule firing with its glass-to-GPIO latency.
      await until('the rule to fire', 120_000, () => /FIRED person/.test(journal) || !alive());
      const fired = journal.split('\n').find((l) => l.includes('FIRED person'));
      assert.ok(fired !== undefined, `the rule fired:\n${journal}`);
      const firedLog = JSON.parse(fired) as { rule: string; output: string; glassToGpioMs?: number };
      assert.equal(firedLog.rule, 'person');
      assert.equal(firedLog.output, 'relay');
      assert.ok(typeof firedLog.glassToGpioMs === 'number' && firedLog.glassToGpioMs > 0, `glass-to-GPIO latency in the journal: ${fired}`);
      t.diagnostic(`journal: ${fired}`);
      await until('WATCHDOG=1', 30_000, () => listener.with('WATCHDOG=1').length > 0 || !alive());
      assert.ok(listener.with('WATCHDOG=1').length > 0, `WATCHDOG=1 while frames flow:\n${journal}`);
      // The relay clicks: GPIO17 (offset 17 of pinctrl-rp1's gpiochip0) driven low, the active level of the
      // profile's activeLow relay, and held there while the person stays in view.
      const levels = gpioLevels(records).filter((l) => l.chip === 'gpiochip0' && l.offset === 17);
      assert.equal(levels[0]?.value, 1, `claimed at its initial level, off = high: ${JSON.stringify(levels)}`);
      assert.equal(levels.at(-1)?.value, 0, `driven low (on) for the person: ${JSON.stringify(levels)}`);
      assert.ok(heldBy(records).length > 0, 'a gpioset holds the line while the agent runs');
      const rpicam = readFileSync(join(records, 'rpicam-vid.log'), 'utf8').trim().split('\n');
      assert.equal(rpicam[0], '-t 0 -n --codec yuv420 --width 640 --height 480 --framerate 30 --flush -o - --camera 0');
    } catch (e) {
      t.diagnostic(`journal:\n${journal}`);
      throw e;
    }

    // systemctl stop/restart with KillMode=control-group: SIGTERM to every process of the unit at once.
    const before = gpioLevels(records).length;
    signalAll([pid, ...descendants(pid)], 'SIGTERM');
    const stopTimeout = Number(single(unit, 'TimeoutStopSec')) * 1000;
    const code = await Promise.race([exited, sleep(stopTimeout, 'timeout' as const)]);
    assert.notEqual(code, 'timeout', `stopped within TimeoutStopSec:\n${journal}`);
    assert.equal(code, 0, `a clean exit on SIGTERM:\n${journal}`);
    const after = gpioLevels(records).slice(before).filter((l) => l.offset === 17);
    assert.ok(after.length > 0, 'the agent set the line again on its way out');
    assert.equal(after.at(-1)?.value, 1, `back to safe (off = high) on SIGTERM: ${JSON.stringify(after)}`);
    assert.ok(listener.with('STOPPING=1').length > 0, 'STOPPING=1 sent');
    const leftHolding = heldBy(records).filter((p) => existsSync(`/proc/${p}`));
    assert.deepEqual(leftHolding, [], 'no gpioset is left holding the line');

    // --- upgrade over itself with a locally edited config: dpkg keeps the administrator's conffile.
    const edited = readFileSync(join(rootDir, 'etc/lookout/config.yaml'), 'utf8').replace('id: pi5-gate', 'id: gate-north');
    assert.match(edited, /id: gate-north/);
    writeFileSync(join(rootDir, 'etc/lookout/config.yaml'), edited);
    const upgrade = ok(await sh(`cd /root && apt install -y --reinstall ./${debName}`), 'apt reinstall');
    assert.match(upgrade, /Unpacking lookout \(.*\) over \(/, `dpkg upgraded the package over itself: ${upgrade}`);
    assert.equal(readFileSync(join(rootDir, 'etc/lookout/config.yaml'), 'utf8'), edited, 'the edit survives');
    assert.deepEqual(readdirSync(join(rootDir, 'etc/lookout')), ['config.yaml'], 'no .dpkg-new or .dpkg-dist beside it');
    assert.equal(ok(await sh('stat -c "%U:%G %a" /etc/lookout/config.yaml'), 'stat'), 'root:lookout 640\n');
    assert.equal(ok(await sh('systemctl is-enabled lookout.service'), 'is-enabled').trim(), 'enabled');

    // --- apt remove: prerm and postrm without systemd running; config and state stay, the unit is masked.
    ok(await sh('apt remove -y lookout'), 'apt remove');
    assert.equal(ok(await sh("dpkg-query -W -f '${Status}' lookout"), 'dpkg-query'), 'deinstall ok config-files');
    assert.ok(!existsSync(join(rootDir, 'opt/lookout')), '/opt/lookout is gone');
    assert.equal(lstatSync(join(rootDir, 'usr/bin/lookout'), { throwIfNoEntry: false }), undefined, '/usr/bin/lookout is gone');
    assert.equal(readFileSync(join(rootDir, 'etc/lookout/config.yaml'), 'utf8'), edited, 'remove keeps the conffile');
    assert.ok(existsSync(join(rootDir, 'var/lib/lookout')), 'remove keeps the state');
    assert.equal((await sh('systemctl is-enabled lookout.service')).stdout.trim(), 'masked');

    // --- apt purge: config, state and every trace of the unit go; the system user stays (policy 9.2).
    ok(await sh('apt purge -y lookout'), 'apt purge');
    assert.notEqual((await sh("dpkg-query -W -f '${Status}' lookout")).stdout, 'deinstall ok config-files');
    for (const gone of ['etc/lookout', 'var/lib/lookout', 'etc/systemd/system/lookout.service', 'etc/systemd/system/multi-user.target.wants/lookout.service']) {
      assert.equal(lstatSync(join(rootDir, gone), { throwIfNoEntry: false }), undefined, `purge removes /${gone}`);
    }
    assert.deepEqual(readdirSync(join(rootDir, 'var/lib/systemd/deb-systemd-helper-enabled')).filter((n) => n.includes('lookout')), [], 'deb-systemd-helper forgot the unit');
    ok(await sh('getent passwd lookout'), 'the lookout user stays');
    t.diagnostic(`total: ${Date.now() - started} ms`);
  });

/** Signals each process, as systemd signals a unit's control group; one that has exited meanwhile (a short-lived
 * systemd-notify, say) is skipped. */
function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
}
