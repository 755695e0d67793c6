import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGpiodetect, parseGpioinfo } from '../../src/agent/gpio/gpiod-output.ts';
import { parseLineSpec, resolveLine, type GpioChipInfo } from '../../src/agent/gpio/line-resolver.ts';
import { GPIO_FIXTURES } from './helpers/gpiod-standin.ts';

function board(name: 'rpi5' | 'rpi4', major: 1 | 2): GpioChipInfo[] {
  const dump = (kind: string): string =>
    readFileSync(join(GPIO_FIXTURES, `${name}-${kind}-v${major}.txt`), 'utf8').replace(/^#.*\n/gm, '');
  const listed = parseGpioinfo(dump('gpioinfo'), major);
  return parseGpiodetect(dump('gpiodetect')).map((c) => ({ ...c, lines: listed.find((l) => l.name === c.name)?.lines ?? [] }));
}

const where = { chip: 'outputs[0].chip', line: 'outputs[0].line' };
const find = (chips: GpioChipInfo[], chip: string, line: string | number): string => {
  const r = resolveLine(chips, chip, parseLineSpec(line), where);
  return `${r.chip.name}:${r.offset}`;
};

test('a chip by label, by /dev path or by name; a line by name, offset or digits', () => {
  const pi5 = board('rpi5', 2);
  assert.equal(find(pi5, 'pinctrl-rp1', 'GPIO17'), 'gpiochip0:17');
  assert.equal(find(pi5, '/dev/gpiochip0', 17), 'gpiochip0:17');
  assert.equal(find(pi5, 'gpiochip12', 'SD_PWR_ON'), 'gpiochip12:4');
  assert.equal(find(pi5, 'gpio-brcmstb@107d517c20', '4'), 'gpiochip13:4');
});

test('auto: a name is searched on every chip, the header chip first; an offset means the header chip', () => {
  const pi5 = board('rpi5', 2);
  assert.equal(find(pi5, 'auto', '2712_WAKE'), 'gpiochip0:47', 'the name is on two chips; the header chip wins');
  assert.equal(find(pi5, 'auto', 'PMIC_SCL'), 'gpiochip13:4');
  assert.equal(find(pi5, 'auto', 17), 'gpiochip0:17');
  assert.equal(find(board('rpi4', 1), 'auto', 17), 'gpiochip0:17');
  assert.equal(find(board('rpi4', 1), 'auto', 'GLOBAL_RESET'), 'gpiochip1:3');
});

test('failures name what was searched and what exists', () => {
  const pi4 = board('rpi4', 1);
  assert.throws(() => find(pi4, 'pinctrl-rp1', 'GPIO17'), (e: Error & { code?: string; where?: string }) => {
    assert.equal(e.code, 'CHIP_NOT_FOUND');
    assert.equal(e.where, 'outputs[0].chip');
    assert.match(e.message, /"pinctrl-rp1".*gpiochip0 \[pinctrl-bcm2711\], gpiochip1 \[raspberrypi-exp-gpio\]/);
    return true;
  });
  assert.throws(() => find(pi4, 'pinctrl-bcm2711', 'GPIO2'), { code: 'LINE_NOT_FOUND', where: 'outputs[0].line', message: /"GPIO2" on gpiochip0 \[pinctrl-bcm2711\]/ });
  assert.throws(() => find(pi4, 'pinctrl-bcm2711', 58), { code: 'LINE_NOT_FOUND', message: /offset 58 .*58 lines/ });
  assert.throws(() => find(pi4, 'auto', 'GPIO99'), { code: 'LINE_NOT_FOUND', message: /"GPIO99" on any chip/ });
  const noHeader = board('rpi5', 2).filter((c) => c.label !== 'pinctrl-rp1');
  assert.throws(() => find(noHeader, 'auto', 17), { code: 'CHIP_NOT_FOUND', message: /header chip/ });
  assert.throws(() => find([], 'auto', 'GPIO17'), { code: 'LINE_NOT_FOUND', message: /no GPIO chips at all/ });
});
