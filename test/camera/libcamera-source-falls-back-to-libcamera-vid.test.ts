import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { expectedPattern, fastSettings, readRuns, standInBin, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('without rpicam-vid on PATH the source runs libcamera-vid, its pre-bookworm name', async () => {
  const dir = await tempDir('fallback');
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await symlink(join(standInBin, 'libcamera-vid'), join(bin, 'libcamera-vid'));
  const log = join(dir, 'runs.jsonl');
  const source = await createLibcameraSource(
    { width: 128, height: 4, fps: 15, camera: 1, isp: 'vc4', settings: fastSettings },
    testDeps(standInEnv({ STANDIN_LOG: log, STANDIN_PLAN: '3:crash,run' }, bin)),
  );
  const got = await startCollecting(source);
  await waitFor('frames after a restart', () => got.frames.length >= 5);
  await source.stop();

  const runs = await readRuns(log);
  assert.deepEqual(runs.map((r) => r.tool), ['libcamera-vid', 'libcamera-vid']);
  assert.deepEqual(runs[0]?.argv.slice(-2), ['--camera', '1']);
  assert.deepEqual(got.copies[0], expectedPattern(128, 4, 0));
  assert.deepEqual(got.copies[4], expectedPattern(128, 4, 1));
});
