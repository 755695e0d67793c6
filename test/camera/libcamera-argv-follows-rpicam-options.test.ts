import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { captureDeps } from '../../src/agent/camera/capture-deps.ts';
import { createLibcameraSource, detectRpiIsp, libcameraArgs } from '../../src/agent/camera/libcamera.ts';

test('rpicam-vid argv is an array: raw yuv420 on stdout, camera index and extra flags appended', () => {
  assert.deepEqual(libcameraArgs({ width: 640, height: 480, fps: 15, camera: 1, extraArgs: ['--awb', 'daylight', '--hflip'] }), [
    '-t', '0', '-n', '--codec', 'yuv420', '--width', '640', '--height', '480', '--framerate', '15', '--flush', '-o', '-',
    '--camera', '1', '--awb', 'daylight', '--hflip',
  ]);
});

test('extra flags that would change the stream are refused, naming the array element', async () => {
  const deps = captureDeps();
  await assert.rejects(
    createLibcameraSource({ width: 640, height: 480, fps: 30, isp: 'vc4', extraArgs: ['--awb', 'auto', '--width=320'] }, deps),
    (e) => isLookoutError(e) && e.code === 'CAMERA_RESERVED_ARG' && e.where === 'camera.extraArgs[2]',
  );
  await assert.rejects(createLibcameraSource({ width: 641, height: 480, fps: 30, isp: 'vc4' }, deps), (e) => isLookoutError(e) && e.where === 'camera.width');
  await assert.rejects(createLibcameraSource({ width: 640, height: 480, fps: 0, isp: 'vc4' }, deps), (e) => isLookoutError(e) && e.where === 'camera.fps');
});

test('the ISP is read from the device tree: bcm2712 is a Pi 5 (PiSP), anything else VideoCore', async () => {
  const dt = (text: string) => () => Promise.resolve(Buffer.from(text));
  assert.equal(await detectRpiIsp(dt('raspberrypi,5-model-b\0brcm,bcm2712\0')), 'pisp');
  assert.equal(await detectRpiIsp(dt('raspberrypi,4-model-b\0brcm,bcm2711\0')), 'vc4');
  await assert.rejects(
    detectRpiIsp(() => Promise.reject(new Error('ENOENT'))),
    (e) => isLookoutError(e) && e.code === 'ISP_UNKNOWN' && e.where === 'camera.isp',
  );
});
