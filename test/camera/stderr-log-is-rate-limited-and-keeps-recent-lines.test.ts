import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StderrLog } from '../../src/agent/camera/stderr-log.ts';
import { recordingLogger } from './support/stand-ins.ts';

test('stderr is logged line by line across chunks, rate limited per window, with the overflow counted', () => {
  const logger = recordingLogger();
  let now = 0;
  const log = new StderrLog(logger, () => now, { maxLines: 3, windowMs: 1000, maxLineLength: 20, keep: 2 });
  log.push(Buffer.from('first li'));
  log.push(Buffer.from('ne\r\nsecond\n\nthird\rfourth\nfif'));
  assert.deepEqual(
    logger.lines.map((l) => l.obj),
    [{ line: 'first line' }, { line: 'second' }, { line: 'third' }],
  );
  assert.deepEqual(log.recent(), ['third', 'fourth'], 'recent lines are kept even when not logged');
  now = 1500;
  log.push(Buffer.from('th\n'));
  assert.deepEqual(logger.lines.slice(3).map((l) => [l.level, l.obj]), [
    ['warn', { suppressed: 1 }],
    ['info', { line: 'fifth' }],
  ]);
});

test('binary garbage and endless lines are cut and cleaned, never breaking the log', () => {
  const logger = recordingLogger();
  const log = new StderrLog(logger, () => 0, { maxLines: 10, windowMs: 1000, maxLineLength: 8, keep: 4 });
  log.push(Buffer.from([0x41, 0x00, 0x1b, 0x42, 0x0a]));
  log.push(Buffer.from('y'.repeat(30)));
  log.push(Buffer.from([0xe2, 0x82]));
  log.push(Buffer.from([0xac, 0x0a]));
  log.flush();
  assert.deepEqual(
    logger.lines.map((l) => l.obj),
    [{ line: 'A??B' }, { line: 'yyyyyyyy…' }, { line: '€' }],
  );
});
