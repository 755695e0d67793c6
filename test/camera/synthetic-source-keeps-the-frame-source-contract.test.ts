import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyntheticSource } from '../../src/agent/camera/synthetic-source.ts';
import { i420ToRgb } from '../../src/agent/camera/i420.ts';
import { checkFrameSourceContract } from './support/frame-source-contract.ts';

test('the synthetic camera passes the frame source contract', async () => {
  await checkFrameSourceContract(new SyntheticSource({ width: 320, height: 240, fps: 30, seed: 7 }));
});

test('it delivers at the configured rate and remembers ground truth per frame', async () => {
  const source = new SyntheticSource({ width: 320, height: 240, fps: 20, seed: 3 });
  const seqs: number[] = [];
  const t0 = performance.now();
  await source.start((f) => {
    seqs.push(f.seq);
    source.release(f.data);
  });
  await new Promise((r) => setTimeout(r, 520));
  await source.stop();
  const elapsed = performance.now() - t0;
  // 20 fps over ~0.5 s: about 10 frames; generous bounds, this only catches a broken pacing loop.
  assert.ok(seqs.length >= 6 && seqs.length <= Math.ceil((elapsed / 1000) * 20) + 2, `${seqs.length} frames in ${elapsed} ms`);
  assert.ok(Array.isArray(source.groundTruth(seqs.at(-1)!)));
  assert.equal(source.groundTruth(-1), undefined);
});

test('setDomain to night darkens the frames', async () => {
  const source = new SyntheticSource({ width: 160, height: 120, fps: 0, seed: 5 });
  const mean = async (): Promise<number> => {
    const frame = await new Promise<Uint8Array>((resolve) => {
      void source.start((f) => {
        resolve(i420ToRgb(f.data, 160, 120));
        source.release(f.data);
        void source.stop();
      });
    });
    return frame.reduce((a, b) => a + b, 0) / frame.length;
  };
  const day = await mean();
  source.setDomain({ lighting: 'night' });
  const night = await mean();
  assert.ok(night < day * 0.7, `night ${night} vs day ${day}`);
});
