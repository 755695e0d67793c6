/**
 * What every FrameSource promises (src/agent/camera/frame-source.ts), as one check any adapter or simulator
 * can be run through: tight I420 frames of the declared size, seq counting up by one, capture times that never
 * go back, buffers that return to the pool, no frame after stop(), stop() twice, start() twice refused.
 */
import assert from 'node:assert/strict';
import { frameByteLength, type Frame } from '../../../src/agent/camera/frame.ts';
import type { FrameSource } from '../../../src/agent/camera/frame-source.ts';
import { isLookoutError } from '../../../src/errors.ts';
import { waitFor } from './stand-ins.ts';

export async function checkFrameSourceContract(source: FrameSource, frames = 5, timeoutMs = 8000): Promise<void> {
  const got: Frame[] = [];
  let afterStop = 0;
  let stopped = false;
  await source.start((frame) => {
    if (stopped) afterStop++;
    got.push(frame);
    assert.equal(frame.data.length, frameByteLength('i420', source.width, source.height));
    source.release(frame.data);
  });
  try {
    await assert.rejects(source.start(() => undefined), (e) => isLookoutError(e) && e.code === 'CAMERA_ALREADY_STARTED');
    await waitFor(`${frames} frames`, () => got.length >= frames, timeoutMs);
  } finally {
    await source.stop();
    stopped = true;
  }
  await source.stop();
  await new Promise((resolve) => setTimeout(resolve, 50));

  assert.equal(afterStop, 0, 'no frame after stop()');
  got.forEach((frame, i) => {
    assert.equal(frame.format, 'i420');
    assert.equal(frame.width, source.width);
    assert.equal(frame.height, source.height);
    assert.equal(frame.seq, got[0]!.seq + i, 'seq counts up by one');
    if (i > 0) assert.ok(frame.capturedAt >= got[i - 1]!.capturedAt, 'capture times never go back');
  });
  assert.equal(source.stats.captured, got.length);
  assert.equal(source.stats.lastFrameAt, got.at(-1)!.capturedAt);
  assert.equal(source.stats.poolMisses, 0, 'released buffers are reused');
}
