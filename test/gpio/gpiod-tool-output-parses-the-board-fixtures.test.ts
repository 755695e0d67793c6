import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGpiodetect, parseGpioinfo, parseToolVersion } from '../../src/agent/gpio/gpiod-output.ts';
import { GPIO_FIXTURES } from './helpers/gpiod-standin.ts';

/** A fixture without its provenance lines (# ...), i.e. exactly what the tool prints. */
function dump(name: string): string {
  return readFileSync(join(GPIO_FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

test('gpiodetect: the Pi 5 chips with labels and line counts', () => {
  assert.deepEqual(parseGpiodetect(dump('rpi5-gpiodetect-v2.txt')), [
    { name: 'gpiochip0', label: 'pinctrl-rp1', numLines: 54 },
    { name: 'gpiochip10', label: 'gpio-brcmstb@107d508500', numLines: 32 },
    { name: 'gpiochip11', label: 'gpio-brcmstb@107d508520', numLines: 4 },
    { name: 'gpiochip12', label: 'gpio-brcmstb@107d517c00', numLines: 17 },
    { name: 'gpiochip13', label: 'gpio-brcmstb@107d517c20', numLines: 6 },
  ]);
  assert.deepEqual(parseGpiodetect(dump('rpi5-gpiodetect-v1.txt')), parseGpiodetect(dump('rpi5-gpiodetect-v2.txt')));
});

test('gpioinfo v2: names, unnamed lines, consumers with spaces, active-low', () => {
  const chips = parseGpioinfo(dump('rpi5-gpioinfo-v2.txt'), 2);
  assert.deepEqual(chips.map((c) => [c.name, c.numLines, c.lines.length]), [
    ['gpiochip0', 54, 54],
    ['gpiochip10', 32, 32],
    ['gpiochip11', 4, 4],
    ['gpiochip12', 17, 17],
    ['gpiochip13', 6, 6],
  ]);
  const rp1 = chips[0]!.lines;
  assert.deepEqual(rp1[17], { offset: 17, name: 'GPIO17', used: false, consumer: null, direction: 'input', activeLow: false });
  assert.deepEqual(rp1[32], { offset: 32, name: 'ETH_RST_N', used: true, consumer: 'phy-reset', direction: 'output', activeLow: true });
  assert.equal(rp1[45]?.direction, 'output');
  assert.equal(chips[1]!.lines[0]?.name, null, 'unnamed');
  assert.deepEqual(chips[3]!.lines[2], { offset: 2, name: 'RP1_RUN', used: true, consumer: 'RP1 RUN pin', direction: 'output', activeLow: false });
});

test('gpioinfo v1 and v2 dumps of the same board parse to the same lines', () => {
  assert.deepEqual(parseGpioinfo(dump('rpi5-gpioinfo-v1.txt'), 1), parseGpioinfo(dump('rpi5-gpioinfo-v2.txt'), 2));
});

test('gpioinfo v1: the Pi 4 header chip and its firmware expander', () => {
  const chips = parseGpioinfo(dump('rpi4-gpioinfo-v1.txt'), 1);
  assert.equal(chips.length, 2);
  const [header, expander] = [chips[0]!, chips[1]!];
  assert.equal(header.numLines, 58);
  assert.equal(header.lines[2]?.name, 'SDA1', 'on a Pi 4 offset 2 is named SDA1, not GPIO2');
  assert.deepEqual(header.lines[42], { offset: 42, name: 'STATUS_LED_G_CLK', used: true, consumer: 'led0', direction: 'output', activeLow: false });
  assert.deepEqual(expander.lines[2], { offset: 2, name: 'PWR_LED_OFF', used: true, consumer: 'led1', direction: 'output', activeLow: true });
});

test('hand-made lines in the documented shapes: overflowed v1 columns, v2 attributes', () => {
  const v1 = 'gpiochip4 - 54 lines:\n\tline  14:       "PIN8" "rpi-acloud-gpio-basic" output active-high [used]\n\tline  33:      unnamed       kernel   input  active-high [used pull-up]\n';
  assert.deepEqual(parseGpioinfo(v1, 1)[0]?.lines, [
    { offset: 14, name: 'PIN8', used: true, consumer: 'rpi-acloud-gpio-basic', direction: 'output', activeLow: false },
    { offset: 33, name: null, used: true, consumer: null, direction: 'input', activeLow: false },
  ]);
  const v2 = 'gpiochip0 - 8 lines:\n\tline   3:\t"GPIO3"         \tinput active-low bias=pull-up edges=both consumer="btn active-low"\n\tline   4:\tunnamed         \toutput drive=open-drain consumer=kernel\n';
  assert.deepEqual(parseGpioinfo(v2, 2)[0]?.lines, [
    { offset: 3, name: 'GPIO3', used: true, consumer: 'btn active-low', direction: 'input', activeLow: true },
    { offset: 4, name: null, used: true, consumer: 'kernel', direction: 'output', activeLow: false },
  ]);
});

test('anything else is refused, naming the output line', () => {
  assert.throws(() => parseGpioinfo('gpiochip0 - 2 lines:\n\tline   0:\t"A"\tinput\nWARNING: odd\n', 2), {
    code: 'BAD_TOOL_OUTPUT',
    where: 'gpioinfo output line 3',
  });
  assert.throws(() => parseGpioinfo('\tline   0:\t"A"\tinput\n', 2), { code: 'BAD_TOOL_OUTPUT', where: 'gpioinfo output line 1' });
  assert.throws(() => parseGpioinfo('gpiochip0 - 2 lines:\n\tline   5:\t"A"\tinput\n', 2), { code: 'BAD_TOOL_OUTPUT' });
  assert.throws(() => parseGpiodetect('gpiochip0 pinctrl-rp1 54\n'), { code: 'BAD_TOOL_OUTPUT', where: 'gpiodetect output line 1' });
});

test('tool versions: v1, v2, and a tool that is not libgpiod', () => {
  assert.deepEqual(parseToolVersion('gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n', 'gpioset'), {
    major: 1,
    minor: 6,
    text: '1.6.3',
  });
  assert.equal(parseToolVersion('gpioset (libgpiod) v2.2.1\n', 'gpioset').major, 2);
  assert.equal(parseToolVersion('gpioset (libgpiod) v2.1\n', 'gpioset').text, '2.1');
  assert.throws(() => parseToolVersion('gpioset from toybox 0.8.9\n', 'gpioset'), { code: 'TOOL_VERSION_UNKNOWN' });
});
