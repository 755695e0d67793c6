import type { Clock } from '../../src/agent/clock.ts';
import type { BoxXYXY, Detection } from '../../src/agent/detect/types.ts';
import type { FrameResult } from '../../src/agent/pipeline.ts';
import { rgbToI420 } from '../../src/agent/camera/i420.ts';
import { samplesConfigSchema, type SamplesConfig, type SamplesConfigInput } from '../../src/agent/telemetry/samples/schema.ts';

export class ManualClock implements Clock {
  mono = 5000;
  wall = 1_767_225_600_000;
  monoMs(): number {
    return this.mono;
  }
  wallMs(): number {
    return this.wall;
  }
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
}

export function config(input: SamplesConfigInput = {}): SamplesConfig {
  return samplesConfigSchema.parse(input);
}

export function det(label: string, score: number, box: BoxXYXY = [0, 0, 10, 10]): Detection {
  return { classId: 0, label, score, box };
}

export function frameResult(seq: number, capturedAt: number, detections: Detection[], size: { width: number; height: number } = { width: 64, height: 48 }): FrameResult {
  return {
    seq,
    capturedAt,
    width: size.width,
    height: size.height,
    detections,
    timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 1 },
    doneAt: capturedAt + 15,
    gpioWriteAt: null,
  };
}

/** An I420 frame of four flat quadrants: red top-left, green top-right, blue bottom-left, white bottom-right. */
export function quadrantFrame(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      const c = [[230, 20, 20], [20, 200, 40], [30, 40, 220], [245, 245, 245]][q]!;
      rgb.set(c, (y * width + x) * 3);
    }
  }
  return rgbToI420(rgb, width, height);
}
