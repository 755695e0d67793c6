import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { GpiodActuator } from '../../src/agent/gpio/gpiod-actuator.ts';
import { parseToolVersion } from '../../src/agent/gpio/gpiod-output.ts';
import { outputSchema } from '../../src/agent/gpio/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { countingClock } from './actuator-contract.ts';
import { GpiodStandin } from './helpers/gpiod-standin.ts';

// The real Debian "gpiod" tools, where installed: their version line parses, and on any machine a chip label
// that exists nowhere is reported as CHIP_NOT_FOUND (nothing is requested, so this is safe on a real board).
const installed = spawnSync('gpioset', ['--version'], { encoding: 'utf8' });
const skip = installed.error === undefined ? false : 'the gpiod package is not installed';
const skipUnlessV1 = skip !== false ? skip : /\(libgpiod\) v1\./.test(installed.stdout) ? false : 'the installed libgpiod is not v1';

test('the installed gpioset prints a version this backend understands', { skip }, () => {
  const version = parseToolVersion(installed.stdout, 'gpioset');
  assert.ok(version.major === 1 || version.major === 2, `libgpiod ${version.text}`);
});

test('the installed tools run end to end up to the chip lookup', { skip }, async () => {
  const a = new GpiodActuator([outputSchema.parse({ name: 'relay', chip: 'lookout-test-absent-chip', line: 'GPIO17' })], {
    clock: countingClock(),
    logger: silentLogger,
  });
  await assert.rejects(a.start(), { code: 'CHIP_NOT_FOUND', message: /"lookout-test-absent-chip"/ });
  await a.stop();
});

test('the v1 stand-in fails like the installed v1 gpioset does', { skip: skipUnlessV1 }, () => {
  const standin = new GpiodStandin({ major: 1, board: 'rpi4' });
  try {
    // A chip that is not there: the real tool and the stand-in answer alike (message and exit status).
    const args = ['--mode=signal', 'lookout-test-absent-chip', '17=1'];
    const real = spawnSync('gpioset', args, { encoding: 'utf8' });
    const fake = standin.run('gpioset', args);
    assert.equal(fake.stderr, real.stderr);
    assert.equal(fake.status, real.status);
    const realVersion = spawnSync('gpioinfo', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
    assert.equal(standin.run('gpioinfo', ['--version']).stdout.split('\n')[0], realVersion);
  } finally {
    standin.cleanup();
  }
});
