// Runs ONNX models with onnxruntime-node for the Python trainer, which has no onnxruntime of its own.
//   node ort_tool.mjs info  --model M [--optimized OUT.onnx]   -> JSON: inputs/outputs (name, type, shape)
//   node ort_tool.mjs run   --model M --images U8.bin --count N --height H --width W --out F32.bin [--threads T]
//        U8.bin: N images [H, W, 3] RGB uint8 (letterboxed); each becomes [1, 3, H, W] float 0..1.
//        F32.bin: the N `output0` tensors, concatenated.                -> JSON: dims of one output, ms per run
//   node ort_tool.mjs bench --model M [--threads T] [--runs R] [--warmup W] -> JSON: latency statistics (ms)
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key?.startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument near "${key}"`);
    out[key.slice(2)] = argv[i + 1];
  }
  return out;
}

async function session(args) {
  const options = {
    intraOpNumThreads: Number(args.threads ?? 1),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  if (args.optimized) options.optimizedModelFilePath = args.optimized;
  return ort.InferenceSession.create(args.model, options);
}

function describe(meta) {
  return meta.map((m) => ({ name: m.name, type: m.isTensor ? m.type : 'non-tensor', shape: m.isTensor ? m.shape : null }));
}

function toTensor(u8, offset, h, w) {
  const plane = h * w;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    const src = offset + p * 3;
    data[p] = u8[src] / 255;
    data[plane + p] = u8[src + 1] / 255;
    data[2 * plane + p] = u8[src + 2] / 255;
  }
  return new ort.Tensor('float32', data, [1, 3, h, w]);
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return { runs: s.length, median: q(0.5), p10: q(0.1), p90: q(0.9), min: s[0], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest);
  const sess = await session(args);
  if (command === 'info') {
    console.log(JSON.stringify({ inputs: describe(sess.inputMetadata), outputs: describe(sess.outputMetadata) }));
  } else if (command === 'run') {
    const [n, h, w] = [Number(args.count), Number(args.height), Number(args.width)];
    const u8 = readFileSync(args.images);
    if (u8.length !== n * h * w * 3) throw new Error(`images file has ${u8.length} bytes, expected ${n * h * w * 3}`);
    const chunks = [];
    const ms = [];
    let dims = null;
    for (let i = 0; i < n; i++) {
      const feeds = { [sess.inputNames[0]]: toTensor(u8, i * h * w * 3, h, w) };
      const t0 = performance.now();
      const res = await sess.run(feeds);
      ms.push(performance.now() - t0);
      const out = res[sess.outputNames[0]];
      dims = out.dims;
      chunks.push(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
    }
    writeFileSync(args.out, Buffer.concat(chunks));
    console.log(JSON.stringify({ dims, ...stats(ms) }));
  } else if (command === 'bench') {
    const meta = sess.inputMetadata[0];
    const shape = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = ((i * 2654435761) % 1000) / 1000;
    const feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', data, shape) };
    const warmup = Number(args.warmup ?? 5);
    const runs = Number(args.runs ?? 30);
    for (let i = 0; i < warmup; i++) await sess.run(feeds);
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await sess.run(feeds);
      ms.push(performance.now() - t0);
    }
    console.log(JSON.stringify({ threads: Number(args.threads ?? 1), ...stats(ms) }));
  } else {
    throw new Error(`unknown command "${command}" (info | run | bench)`);
  }
}

main().catch((e) => {
  console.error(`ort_tool: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
