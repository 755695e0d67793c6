import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GpiodActuator } from '../../src/agent/gpio/gpiod-actuator.ts';
import { outputSchema, type OutputConfigInput } from '../../src/agent/gpio/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { countingClock } from './actuator-contract.ts';
import { GpiodStandin } from './helpers/gpiod-standin.ts';

function actuator(standin: GpiodStandin, outputs: OutputConfigInput[]): GpiodActuator {
  return new GpiodActuator(
    outputs.map((o) => outputSchema.parse(o)),
    { clock: countingClock(), logger: silentLogger, ...standin.deps() },
  );
}

test('a line another program holds is LINE_BUSY, naming that program; nothing is left claimed', async () => {
  const standin = new GpiodStandin({ major: 2, board: 'rpi5' });
  const other = spawn(join(standin.bin, 'gpioset'), ['-c', 'gpiochip0', '-C', 'doorbell', '17=1'], { env: standin.env, stdio: 'ignore' });
  try {
    while (!standin.line('gpiochip0', 17).held) await sleep(10);
    const a = actuator(standin, [
      { name: 'lamp', chip: 'pinctrl-rp1', line: 'GPIO22' },
      { name: 'relay', chip: 'pinctrl-rp1', line: 'GPIO17' },
    ]);
    await assert.rejects(a.start(), (e: Error & { code?: string; where?: string }) => {
      assert.equal(e.code, 'LINE_BUSY');
      assert.equal(e.where, 'outputs[1].line');
      assert.match(e.message, /line 17 of gpiochip0 \[pinctrl-rp1\] is already used by "doorbell"/);
      return true;
    });
    assert.equal(standin.line('gpiochip0', 22).held, false);
    assert.equal(standin.line('gpiochip0', 17).consumer, 'doorbell', 'the other program keeps its line');
    await a.stop();
  } finally {
    other.kill('SIGTERM');
    await new Promise((resolve) => other.once('exit', resolve));
    standin.cleanup();
  }
});

test('a line the kernel uses is LINE_BUSY, naming its consumer', async () => {
  const standin = new GpiodStandin({ major: 2, board: 'rpi5' });
  try {
    const a = actuator(standin, [{ name: 'relay', chip: 'pinctrl-rp1', line: 'ETH_RST_N' }]);
    await assert.rejects(a.start(), { code: 'LINE_BUSY', message: /"phy-reset"/ });
  } finally {
    standin.cleanup();
  }
});

test('two outputs on one line are DUPLICATE_LINE, however the line is spelt', async () => {
  const standin = new GpiodStandin({ major: 1, board: 'rpi4' });
  try {
    const a = actuator(standin, [
      { name: 'relay', chip: 'pinctrl-bcm2711', line: 'GPIO17' },
      { name: 'siren', chip: 'auto', line: 17 },
    ]);
    await assert.rejects(a.start(), { code: 'DUPLICATE_LINE', where: 'outputs[1].line', message: /"relay" and "siren"/ });
    assert.deepEqual(standin.history(), [], 'nothing was requested');
  } finally {
    standin.cleanup();
  }
});

test('missing tools are TOOL_NOT_FOUND, naming the package', async () => {
  const a = new GpiodActuator([outputSchema.parse({ name: 'relay', line: 17 })], {
    clock: countingClock(),
    logger: silentLogger,
    tools: { gpioset: '/nonexistent/gpioset' },
  });
  await assert.rejects(a.start(), { code: 'TOOL_NOT_FOUND', where: '/nonexistent/gpioset', message: /"gpiod"/ });
});
