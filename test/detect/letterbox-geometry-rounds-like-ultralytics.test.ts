import assert from 'node:assert/strict';
import { test } from 'node:test';
import { letterboxGeometry, roundHalfEven } from '../../src/agent/detect/letterbox.ts';

test('roundHalfEven rounds halves to the even neighbour like Python 3 round()', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4999, 2.5001, -0.1, 139.9].map(roundHalfEven), [0, 2, 2, 4, 0, -2, 2, 3, 0, 140]);
});

test('landscape 1280x720 into 640x640: full width, 140 rows of padding on top', () => {
  const g = letterboxGeometry(1280, 720, 640, 640);
  assert.equal(g.scale, 0.5);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [640, 360, 0, 140]);
});

test('portrait 720x1280 into 640x640: full height, 140 columns of padding on the left', () => {
  const g = letterboxGeometry(720, 1280, 640, 640);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [360, 640, 140, 0]);
});

test('640x480 keeps scale 1 and pads 80 rows top and bottom', () => {
  const g = letterboxGeometry(640, 480, 640, 640);
  assert.equal(g.scale, 1);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [640, 480, 0, 80]);
});

test('odd 333x501: width round(333 * 640/501) = 425, odd padding 215 splits 107 left / 108 right', () => {
  const g = letterboxGeometry(333, 501, 640, 640);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [425, 640, 107, 0]);
});

test('a resize landing on .5 rounds to even: 5x128 into 64 gives width 2 (not 3) and left pad 31', () => {
  const g = letterboxGeometry(5, 128, 64, 64);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [2, 64, 31, 0]);
  const h = letterboxGeometry(7, 128, 64, 64);
  assert.deepEqual([h.newWidth, h.left], [4, 30]);
});

test('small images are scaled up: 32x16 into 64x64 at scale 2', () => {
  const g = letterboxGeometry(32, 16, 64, 64);
  assert.deepEqual([g.scale, g.newWidth, g.newHeight, g.left, g.top], [2, 64, 32, 0, 16]);
});

test('non-square input 320x192 (w x h) for a 1920x1080 frame', () => {
  const g = letterboxGeometry(1920, 1080, 320, 192);
  assert.deepEqual([g.newWidth, g.newHeight, g.left, g.top], [320, 180, 0, 6]);
});
