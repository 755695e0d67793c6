import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLookoutError } from '../../src/errors.ts';
import { parseThrottled, ThrottleProbe, throttleFlags } from '../../src/agent/telemetry/stats/throttled.ts';

/** A `vcgencmd` stand-in: answers `get_throttled` with `output`, logs each run's arguments. */
async function standIn(dir: string, output: string): Promise<void> {
  const script = `#!/bin/sh\necho "$@" >> "${join(dir, 'runs.log')}"\n[ "$1" = get_throttled ] || exit 2\nprintf '%s\\n' '${output}'\n`;
  await writeFile(join(dir, 'vcgencmd'), script);
  await chmod(join(dir, 'vcgencmd'), 0o755);
}

test('throttled=0x50005 from the vcgencmd found on PATH reads as 0x50005', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-vcgencmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await standIn(dir, 'throttled=0x50005');
  const probe = new ThrottleProbe({ env: { PATH: dir } });

  assert.equal(await probe.read(), 0x50005);
  assert.equal(await probe.read(), 0x50005);
  assert.equal(probe.runs, 2);
  assert.equal(await readFile(join(dir, 'runs.log'), 'utf8'), 'get_throttled\nget_throttled\n');
  // Under-voltage and throttled now, and both have happened since boot.
  assert.deepEqual(throttleFlags(0x50005), ['underVoltage', 'throttled', 'underVoltageOccurred', 'throttledOccurred']);
});

test('tool output other than throttled=0x<hex> is refused with a code naming the output', () => {
  assert.equal(parseThrottled('throttled=0x0\n'), 0);
  assert.equal(parseThrottled('throttled=0xE0000'), 0xe0000);
  for (const bad of ['', 'throttled=50005', 'throttled=0x', 'throttled=0xZZ', 'VCHI initialization failed']) {
    assert.throws(
      () => parseThrottled(bad),
      (e: unknown) => isLookoutError(e) && e.code === 'THROTTLED_UNPARSABLE' && e.where === 'vcgencmd get_throttled stdout',
      bad,
    );
  }
});
