import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, startRig } from './helpers.ts';

test('with the camera far faster than inference, one frame is in flight, the newest waits, the rest are dropped and counted', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const seqs: number[] = [];
  const rig = await startRig({
    model: 'slow',
    fps: 0, // as fast as the machine renders
    rules: [],
    listeners: {
      onResult(r) {
        seqs.push(r.seq);
      },
    },
    wrap: (real) => ({
      start: () => real.start(),
      stop: () => real.stop(),
      async detect(frame) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await real.detect(frame);
        } finally {
          inFlight--;
        }
      },
    }),
  });
  await sleep(1500);
  await rig.stop();
  const c = rig.pipeline.counters;
  assert.equal(maxInFlight, 1, 'never more than one frame in the detector');
  assert.ok(c.processed >= 3, `processed ${c.processed}`);
  assert.ok(c.dropped > c.processed, `dropped ${c.dropped} vs processed ${c.processed}`);
  // Every frame is accounted for: processed, dropped, or the one left pending at stop (released).
  assert.ok(c.framesIn - c.processed - c.dropped <= 1, JSON.stringify(c));
  // Latest-frame-wins: processed frames jump forward, never back.
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!);
  assert.ok(seqs.some((s, i) => i > 0 && s - seqs[i - 1]! > 1), 'stale frames were skipped');
  assert.equal(rig.source.stats.poolMisses, 0, 'frame buffers came back from the worker and were reused');
});
