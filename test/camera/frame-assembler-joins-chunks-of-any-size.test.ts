import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameAssembler } from '../../src/agent/camera/frame-assembler.ts';
import { FramePool } from '../../src/agent/camera/frame-pool.ts';
import { gstreamerI420Layout, rpicamI420Layout, tightI420Layout, type I420Layout } from '../../src/agent/camera/i420-layout.ts';
import { expectedPattern } from './support/stand-ins.ts';

/** Lays frame k out as the tool would, padding bytes 0xEE. */
function onWire(l: I420Layout, k: number): Buffer {
  const tight = expectedPattern(l.width, l.height, k);
  const cw = Math.ceil(l.width / 2);
  const ch = Math.ceil(l.height / 2);
  const out = Buffer.alloc(l.frameBytes, 0xee);
  for (let y = 0; y < l.height; y++) out.set(tight.subarray(y * l.width, (y + 1) * l.width), y * l.yStride);
  for (let p = 0; p < 2; p++) {
    const from = l.width * l.height + p * cw * ch;
    const to = l.yStride * l.yRows + p * l.cStride * l.cRows;
    for (let y = 0; y < ch; y++) out.set(tight.subarray(from + y * cw, from + (y + 1) * cw), to + y * l.cStride);
  }
  return out;
}

/** Deterministic chunk sizes: 1-byte dribbles, odd sizes, and one chunk holding several frames. */
function* chunkSizes(frameBytes: number): Generator<number> {
  let seed = 12345;
  for (;;) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const pick = seed % 10;
    if (pick === 0) yield 1;
    else if (pick === 1) yield frameBytes * 2 + 3;
    else yield 1 + (seed % Math.max(1, frameBytes - 1));
  }
}

for (const layout of [tightI420Layout(37, 11), rpicamI420Layout(78, 10, 'vc4'), gstreamerI420Layout(30, 9)]) {
  test(`frames of ${layout.width}x${layout.height} (stride ${layout.yStride}) come out whole and tight from any chunking`, () => {
    const frames = 9;
    const stream = Buffer.concat(Array.from({ length: frames }, (_, k) => onWire(layout, k)));
    let clock = 0;
    const got: { data: Uint8Array; at: number }[] = [];
    const pool = new FramePool(layout.width * layout.height + 2 * Math.ceil(layout.width / 2) * Math.ceil(layout.height / 2), 2);
    const assembler = new FrameAssembler(layout, pool, () => clock, (data, at) => got.push({ data: data.slice(), at }));

    const sizes = chunkSizes(layout.frameBytes);
    for (let off = 0; off < stream.length; ) {
      const n = Math.min(sizes.next().value as number, stream.length - off);
      clock++;
      assembler.push(stream.subarray(off, off + n));
      off += n;
    }
    assert.equal(got.length, frames);
    got.forEach((f, k) => {
      assert.deepEqual(f.data, expectedPattern(layout.width, layout.height, k), `frame ${k}`);
      if (k > 0) assert.ok(f.at >= got[k - 1]!.at);
    });
    assert.equal(assembler.pending, 0);
  });
}

test('a frame is stamped with the time its last byte arrived, and a partial frame is dropped on reset', () => {
  const layout = tightI420Layout(4, 2);
  let clock = 100;
  const pool = new FramePool(layout.frameBytes, 2);
  const got: number[] = [];
  const assembler = new FrameAssembler(layout, pool, () => clock, (_data, at) => got.push(at));
  const frame = onWire(layout, 0);
  assembler.push(frame.subarray(0, 5));
  clock = 250;
  assembler.push(Buffer.concat([frame.subarray(5), frame.subarray(0, 3)]));
  assert.deepEqual(got, [250]);
  assert.equal(assembler.pending, 3);
  assert.equal(assembler.reset(), true);
  assert.equal(assembler.reset(), false);
  clock = 400;
  assembler.push(frame);
  assert.deepEqual(got, [250, 400]);
});
