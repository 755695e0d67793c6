import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createFrameSource } from '../../src/agent/camera/create-frame-source.ts';
import { tempDir } from './support/stand-ins.ts';

test('a file source is an image folder or a video depending on what the path is', async () => {
  const dir = await tempDir('factory');
  const video = join(dir, 'clip.mp4');
  await writeFile(video, '');
  const deps = captureDeps();
  const base = { kind: 'file', width: 64, height: 48, loop: true } as const;

  assert.equal((await createFrameSource({ ...base, path: dir, rate: 5 }, deps)).name, `images:${dir}`);
  assert.equal((await createFrameSource({ ...base, path: video, rate: 'native' }, deps)).name, `file:${video}`);
  await assert.rejects(createFrameSource({ ...base, path: dir, rate: 'native' }, deps), (e) => isLookoutError(e) && e.where === 'camera.rate');
  await assert.rejects(createFrameSource({ ...base, path: join(dir, 'missing.mp4'), rate: 'max' }, deps), (e) => isLookoutError(e) && e.code === 'VIDEO_NOT_FOUND');
  const v4l2 = await createFrameSource({ kind: 'v4l2', device: '/dev/video0', width: 64, height: 48, fps: 30 }, deps);
  assert.equal(v4l2.name, 'v4l2:/dev/video0');
});

test('an empty image folder fails to start with NO_IMAGES naming the folder', async () => {
  const dir = await tempDir('empty');
  const source = await createFrameSource({ kind: 'file', path: dir, width: 64, height: 48, rate: 'max', loop: false }, captureDeps());
  await assert.rejects(source.start(() => undefined), (e) => isLookoutError(e) && e.code === 'NO_IMAGES' && e.where === dir);
});
