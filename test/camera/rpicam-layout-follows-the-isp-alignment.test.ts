import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLookoutError } from '../../src/errors.ts';
import { gstreamerI420Layout, isTight, rpicamI420Layout, tightI420Layout } from '../../src/agent/camera/i420-layout.ts';

test('VideoCore rows are 64-byte aligned: 2028 wide frames have 2048-byte rows (rpicam-apps#857)', () => {
  const l = rpicamI420Layout(2028, 1520, 'vc4');
  assert.equal(l.yStride, 2048);
  assert.equal(l.cStride, 1024);
  assert.equal(l.cRows, 760);
  assert.equal(l.frameBytes, (2048 * 1520 * 3) / 2);
  assert.equal(rpicamI420Layout(780, 360, 'vc4').yStride, 832);
  assert.ok(isTight(rpicamI420Layout(640, 480, 'vc4')));
});

test('PiSP aligns the chroma stride to 64 and doubles it for luma', () => {
  assert.equal(rpicamI420Layout(320, 240, 'pisp').yStride, 384);
  assert.equal(rpicamI420Layout(320, 240, 'pisp').cStride, 192);
  assert.equal(rpicamI420Layout(780, 360, 'pisp').yStride, 896);
  assert.equal(rpicamI420Layout(2028, 1520, 'pisp').yStride, 2048);
  assert.ok(isTight(rpicamI420Layout(1920, 1080, 'pisp')));
  assert.equal(rpicamI420Layout(320, 240, 'pisp', 512).yStride, 512, 'an explicit stride wins');
});

test('odd sizes and impossible strides are refused naming the field', () => {
  assert.throws(() => rpicamI420Layout(641, 480, 'vc4'), (e) => isLookoutError(e) && e.code === 'CAMERA_ODD_SIZE' && e.where === 'camera.width');
  assert.throws(() => rpicamI420Layout(640, 481, 'vc4'), (e) => isLookoutError(e) && e.where === 'camera.height');
  assert.throws(() => rpicamI420Layout(640, 480, 'vc4', 600), (e) => isLookoutError(e) && e.code === 'CAMERA_BAD_STRIDE');
});

test("GStreamer's default I420 layout rounds strides to 4 and the plane height to 2", () => {
  const l = gstreamerI420Layout(318, 239);
  assert.deepEqual([l.yStride, l.yRows, l.cStride, l.cRows], [320, 240, 160, 120]);
  assert.equal(l.frameBytes, 320 * 240 + 2 * 160 * 120);
  assert.ok(isTight(gstreamerI420Layout(640, 480)));
  assert.ok(isTight(tightI420Layout(33, 17)));
});
