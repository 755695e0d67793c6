/**
 * A larger model run in the cloud labels the samples, through the same detector code as the devices (an
 * OnnxDetector worker); its confident detections become the labels.
 */
import { OnnxDetector } from '../../../agent/detect/onnx-detector.ts';
import { decodeImageBytes } from '../../../image/decode-image.ts';
import type { LabelBox, StoredSample } from '../../store/store.ts';
import type { Labeller } from './labeller.ts';

export class TeacherLabeller implements Labeller {
  readonly source: string;
  private detector: OnnxDetector | undefined;
  private seq = 0;

  constructor(private readonly modelPath: string, private readonly minScore: number, private readonly threads = 1) {
    this.source = `teacher:${modelPath.split('/').pop() ?? modelPath}`;
  }

  async label(sample: StoredSample, jpeg: () => Promise<Uint8Array>): Promise<readonly LabelBox[] | undefined> {
    if (this.detector === undefined) {
      const detector = new OnnxDetector({ modelPath: this.modelPath, conf: this.minScore, iou: 0.7, providers: ['cpu'], threads: this.threads });
      await detector.start();
      this.detector = detector;
    }
    const image = await decodeImageBytes(await jpeg(), `sample ${sample.meta.deviceId}/${sample.meta.id}`);
    const result = await this.detector.detect({ data: image.data, width: image.width, height: image.height, format: 'rgb24', capturedAt: performance.now(), seq: this.seq++ });
    return result.detections.map((d) => ({ label: d.label, box: [...d.box] }));
  }

  async close(): Promise<void> {
    await this.detector?.stop();
    this.detector = undefined;
  }
}
