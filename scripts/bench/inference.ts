/**
 * Inference: float vs int8 for one model, 1 and 2 threads, measured interleaved (one run of each engine per
 * round) so that machine noise hits every configuration alike; plus decode + NMS alone.
 */
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { DetectEngine } from '../../src/agent/detect/detect-engine.ts';
import { syntheticYolov8Output, benchDecodeNms } from '../../src/agent/detect/bench-decode-nms.ts';
import type { Report } from './report.ts';
import { summarize } from './stats.ts';

export interface InferenceBenchOptions {
  readonly floatModel: string;
  readonly int8Model: string;
  readonly threads: readonly number[];
  readonly rounds: number;
  readonly section?: string;
  readonly frame?: { width: number; height: number };
}

export async function benchInference(report: Report, o: InferenceBenchOptions): Promise<void> {
  const section = o.section ?? 'inference';
  const { width, height } = o.frame ?? { width: 640, height: 480 };
  const frames = Array.from({ length: 8 }, (_, i) => {
    const scene = renderScene({ width, height, seed: 1000 + i });
    return { data: scene.rgb, width, height, format: 'rgb24' as const };
  });
  const configs: { name: string; engine: DetectEngine; infer: number[]; pre: number[]; post: number[] }[] = [];
  try {
    for (const threads of o.threads) {
      for (const [kind, modelPath] of [['float', o.floatModel], ['int8', o.int8Model]] as const) {
        const engine = await DetectEngine.open({ modelPath, threads, providers: ['cpu'] });
        configs.push({ name: `${kind}, ${threads} thread${threads > 1 ? 's' : ''}`, engine, infer: [], pre: [], post: [] });
      }
    }
    for (let round = -5; round < o.rounds; round++) {
      for (const c of configs) {
        const frame = frames[(round + 5) % frames.length]!;
        const { timings } = await c.engine.detect(frame);
        if (round < 0) continue; // warm-up
        c.infer.push(timings.inferenceMs);
        c.pre.push(timings.preprocessMs);
        c.post.push(timings.postprocessMs);
      }
    }
  } finally {
    for (const c of configs) await c.engine.close();
  }
  const first = configs[0]?.engine.info.model;
  const note = first === undefined ? '' : `${first.inputWidth}×${first.inputHeight} input, ${width}×${height} frame`;
  for (const c of configs) report.add({ section, name: `session.run ${c.name}`, unit: 'ms', summary: summarize(c.infer), note });
  const pre = configs.flatMap((c) => c.pre);
  const post = configs.flatMap((c) => c.post);
  report.add({ section, name: 'preprocess (letterbox + tensor, RGB)', unit: 'ms', summary: summarize(pre) });
  report.add({ section, name: 'decode + NMS + mapping (real outputs)', unit: 'ms', summary: summarize(post) });
  for (const threads of o.threads) {
    const f = configs.find((c) => c.name.startsWith(`float, ${threads} `));
    const q = configs.find((c) => c.name.startsWith(`int8, ${threads} `));
    if (f === undefined || q === undefined) continue;
    const ratio = summarize(f.infer).median / summarize(q.infer).median;
    report.ratio({ section, name: `int8 speed-up over float, ${threads} thread(s)`, value: ratio, target: '≥ 1.5', met: ratio >= 1.5 });
  }
}

/** Decode + NMS on a busy synthetic output (many candidates), isolated from inference. */
export function benchDecode(report: Report, section = 'inference'): void {
  const shape = { layout: 'yolov8' as const, classes: 3, anchors: 1344 * 4 };
  const input = { width: 320, height: 320 };
  const samples: number[] = [];
  const output = syntheticYolov8Output(shape, 320, 12);
  for (let i = 0; i < 200; i++) samples.push(benchDecodeNms(output, shape, { width: 640, height: 480 }, input, 1).minMs);
  report.add({ section, name: 'decode + NMS, busy output (5376 anchors, 12 objects)', unit: 'ms', summary: summarize(samples) });
}
