import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { boxIou } from '../../src/agent/detect/metrics.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { defaultModelPath } from '../../src/agent/detect/runtime-paths.ts';
import type { Detection } from '../../src/agent/detect/types.ts';

test('the bundled int8 model finds the labelled objects of unseen synthetic scenes, with the right class', async () => {
  const detector = new OnnxDetector({ modelPath: defaultModelPath(), threads: 1, conf: 0.25 });
  const info = await detector.start();
  assert.deepEqual(info.model.labels, ['person', 'car', 'dog']);
  assert.equal(info.model.quantization, 'int8-qdq');
  let objects = 0;
  let found = 0;
  let detections = 0;
  let correct = 0;
  try {
    // Seeds far from the training (1) and held-out (998, 999) sets' image seeds.
    for (let seed = 500_000; seed < 500_030; seed++) {
      const scene = renderScene({ width: 640, height: 480, seed });
      const result = await detector.detect({ data: scene.rgb, width: 640, height: 480, format: 'rgb24', capturedAt: 0, seq: seed });
      const dets: readonly Detection[] = result.detections;
      // Objects big enough to matter for an alarm: at least 24 px tall in the 640×480 frame.
      const truth = scene.objects.filter((o) => o.box[3] - o.box[1] >= 24);
      objects += truth.length;
      for (const t of truth) {
        if (dets.some((d) => d.label === t.label && boxIou(d.box, t.box) >= 0.5)) found++;
      }
      for (const d of dets.filter((x) => x.score >= 0.5)) {
        detections++;
        if (scene.objects.some((t) => t.label === d.label && boxIou(d.box, t.box) >= 0.5)) correct++;
      }
    }
  } finally {
    await detector.stop();
  }
  process.stdout.write(`recall ${found}/${objects}, precision ${correct}/${detections}\n`);
  assert.ok(objects >= 60, `only ${objects} objects in the scenes`);
  const recall = found / objects;
  const precision = correct / Math.max(1, detections);
  assert.ok(recall >= 0.85, `recall ${recall.toFixed(3)} (${found}/${objects})`);
  assert.ok(precision >= 0.85, `precision at score 0.5: ${precision.toFixed(3)} (${correct}/${detections})`);
});
