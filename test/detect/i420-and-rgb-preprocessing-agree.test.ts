/**
 * The same picture as rgb24 and as I420 must give nearly the same tensor. Even sizes are converted by the real
 * ffmpeg (`-pix_fmt yuv420p`: BT.601 limited range, what the camera adapters deliver). For odd sizes ffmpeg's
 * swscale is no reference (its own yuv420p -> rgb24 round trip is off by ~70 levels in the last column), so
 * the odd case uses a plain BT.601 encoder written here from the standard's equations, chroma = mean of each
 * 2x2 block (of what exists of it at the edges). Chroma is subsampled, so the picture is smooth.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { LetterboxPreprocessor } from '../../src/agent/detect/preprocess.ts';
import { frameByteLength } from '../../src/agent/camera/frame.ts';

function ffmpeg(input: Uint8Array, w: number, h: number, from: string, to: string): Uint8Array {
  return execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', from, '-s', `${w}x${h}`, '-i', '-', '-f', 'rawvideo', '-pix_fmt', to, '-'], { input, maxBuffer: 1 << 26 });
}

function smoothPicture(w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      rgb[o] = Math.round(30 + 190 * (x / w));
      rgb[o + 1] = Math.round(200 - 150 * (y / h));
      rgb[o + 2] = Math.round(128 + 90 * Math.sin((x + y) / 25));
    }
  }
  return rgb;
}

/** ITU-R BT.601 limited range: Y = 16 + 219 Y', Cb/Cr = 128 + 224 (B'-Y')/1.772, (R'-Y')/1.402. */
function rgbToI420(rgb: Uint8Array, w: number, h: number): Uint8Array {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const out = new Uint8Array(w * h + 2 * cw * ch);
  const luma = (r: number, g: number, b: number): number => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  for (let i = 0; i < w * h; i++) out[i] = Math.round(16 + 219 * luma(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!));
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = 2 * cy; y < Math.min(h, 2 * cy + 2); y++) {
        for (let x = 2 * cx; x < Math.min(w, 2 * cx + 2); x++) {
          const o = (y * w + x) * 3;
          r += rgb[o]!;
          g += rgb[o + 1]!;
          b += rgb[o + 2]!;
          n++;
        }
      }
      const yy = luma(r / n, g / n, b / n);
      out[w * h + cy * cw + cx] = Math.round(128 + (224 * (b / n / 255 - yy)) / 1.772);
      out[w * h + cw * ch + cy * cw + cx] = Math.round(128 + (224 * (r / n / 255 - yy)) / 1.402);
    }
  }
  return out;
}

function stats(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: (sum / a.length) * 255, max: max * 255 };
}

test('ffmpeg\'s I420 and its RGB source give the same tensor within a few grey levels', () => {
  const w = 160;
  const h = 96;
  const rgb = smoothPicture(w, h);
  const i420 = ffmpeg(rgb, w, h, 'rgb24', 'yuv420p');
  assert.equal(i420.byteLength, frameByteLength('i420', w, h));
  const a = new LetterboxPreprocessor(96, 96);
  const b = new LetterboxPreprocessor(96, 96);
  a.fill({ data: rgb, width: w, height: h, format: 'rgb24' });
  b.fill({ data: i420, width: w, height: h, format: 'i420' });
  const s = stats(a.tensor, b.tensor);
  assert.ok(s.mean < 0.5, `mean difference ${s.mean.toFixed(3)} grey levels`);
  assert.ok(s.max < 4, `max difference ${s.max.toFixed(3)} grey levels`);
});

test('odd-sized I420 (ceil(w/2) x ceil(h/2) chroma) and its RGB source agree as closely', () => {
  const w = 161;
  const h = 97;
  const rgb = smoothPicture(w, h);
  const i420 = rgbToI420(rgb, w, h);
  assert.equal(i420.byteLength, frameByteLength('i420', w, h));
  const a = new LetterboxPreprocessor(96, 96);
  const b = new LetterboxPreprocessor(96, 96);
  a.fill({ data: rgb, width: w, height: h, format: 'rgb24' });
  b.fill({ data: i420, width: w, height: h, format: 'i420' });
  const s = stats(a.tensor, b.tensor);
  assert.ok(s.mean < 1, `mean difference ${s.mean.toFixed(3)} grey levels`);
  // The last, half-covered chroma column and row are the worst places.
  assert.ok(s.max < 8, `max difference ${s.max.toFixed(3)} grey levels`);
});

test('I420 and ffmpeg\'s own I420 -> RGB decoding of the same frame agree (chroma upsampling differs slightly)', () => {
  const w = 160;
  const h = 90;
  const i420 = ffmpeg(smoothPicture(w, h), w, h, 'rgb24', 'yuv420p');
  const rgb = ffmpeg(i420, w, h, 'yuv420p', 'rgb24');
  const a = new LetterboxPreprocessor(64, 64);
  const b = new LetterboxPreprocessor(64, 64);
  a.fill({ data: rgb, width: w, height: h, format: 'rgb24' });
  b.fill({ data: i420, width: w, height: h, format: 'i420' });
  const s = stats(a.tensor, b.tensor);
  assert.ok(s.mean < 1, `mean difference ${s.mean.toFixed(3)} grey levels`);
  assert.ok(s.max < 4, `max difference ${s.max.toFixed(3)} grey levels`);
});

test('a swapped U and V plane is caught (the comparison can fail)', () => {
  const w = 160;
  const h = 90;
  const rgb = smoothPicture(w, h);
  const i420 = ffmpeg(rgb, w, h, 'rgb24', 'yuv420p');
  const chroma = (w / 2) * (h / 2);
  const swapped = new Uint8Array(i420);
  swapped.set(i420.subarray(w * h + chroma, w * h + 2 * chroma), w * h);
  swapped.set(i420.subarray(w * h, w * h + chroma), w * h + chroma);
  const a = new LetterboxPreprocessor(64, 64);
  const b = new LetterboxPreprocessor(64, 64);
  a.fill({ data: rgb, width: w, height: h, format: 'rgb24' });
  b.fill({ data: swapped, width: w, height: h, format: 'i420' });
  assert.ok(stats(a.tensor, b.tensor).mean > 5);
});
