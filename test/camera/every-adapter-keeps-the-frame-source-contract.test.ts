import { join } from 'node:path';
import { test } from 'node:test';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createFileVideoSource } from '../../src/agent/camera/file-video.ts';
import { createGstreamerSource } from '../../src/agent/camera/gstreamer.ts';
import { createImageFolderSource } from '../../src/agent/camera/image-folder.ts';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { createV4l2Source } from '../../src/agent/camera/v4l2.ts';
import { checkFrameSourceContract } from './support/frame-source-contract.ts';
import { fastSettings, ffmpeg, standInEnv, tempDir, testDeps } from './support/stand-ins.ts';

test('libcamera (rpicam-vid stand-in) keeps the FrameSource contract', async () => {
  const deps = testDeps(standInEnv({ STANDIN_CHUNK: 'odd' }));
  await checkFrameSourceContract(await createLibcameraSource({ width: 100, height: 6, fps: 30, isp: 'vc4', settings: fastSettings }, deps));
});

test('gstreamer (gst-launch-1.0 stand-in) keeps the FrameSource contract', async () => {
  const deps = testDeps(standInEnv({}));
  await checkFrameSourceContract(createGstreamerSource({ width: 42, height: 7, fps: 30, settings: fastSettings }, deps));
});

test('v4l2 (ffmpeg stand-in running the real ffmpeg) keeps the FrameSource contract', async () => {
  const clip = join(await tempDir('contract-v4l2'), 'clip.mkv');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-frames:v', '30', '-c:v', 'ffv1', clip]);
  const deps = testDeps(standInEnv({ STANDIN_CLIP: clip }));
  await checkFrameSourceContract(createV4l2Source({ device: '/dev/video0', width: 64, height: 48, fps: 30, settings: fastSettings }, deps));
});

test('a video file keeps the FrameSource contract', async () => {
  const clip = join(await tempDir('contract-video'), 'clip.mkv');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-frames:v', '3', '-c:v', 'ffv1', clip]);
  await checkFrameSourceContract(await createFileVideoSource({ path: clip, width: 32, height: 24, rate: 'max', loop: true, settings: fastSettings }, captureDeps()));
});

test('an image folder keeps the FrameSource contract', async () => {
  const dir = await tempDir('contract-images');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=1', '-frames:v', '2', join(dir, 'f%d.png')]);
  await checkFrameSourceContract(await createImageFolderSource({ folder: dir, width: 33, height: 17, rate: 'max', loop: true }, captureDeps()));
});
