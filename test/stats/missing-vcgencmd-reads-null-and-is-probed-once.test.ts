import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ThrottleProbe } from '../../src/agent/telemetry/stats/throttled.ts';

test('without vcgencmd on PATH throttling is null and the tool is never looked for again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-no-vcgencmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const probe = new ThrottleProbe({ env: { PATH: dir } });
  assert.equal(await probe.read(), null);
  assert.equal(probe.available, false);
  assert.equal(await probe.read(), null);
  assert.equal(await probe.read(), null);
  assert.equal(probe.runs, 1);
});

test('a vcgencmd that fails on its first run (no firmware mailbox) is treated as absent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-bad-vcgencmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'vcgencmd'), '#!/bin/sh\necho "VCHI initialization failed" >&2\nexit 255\n');
  await chmod(join(dir, 'vcgencmd'), 0o755);
  const probe = new ThrottleProbe({ env: { PATH: dir } });
  assert.equal(await probe.read(), null);
  assert.equal(await probe.read(), null);
  assert.equal(probe.runs, 1);
});
