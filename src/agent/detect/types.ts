/**
 * Detector port and its data. Leaf module: the pipeline, rules, CLI and telemetry import these types.
 */
import type { Frame } from '../camera/frame.ts';

/** [x1, y1, x2, y2] in frame (image) pixels, clipped to the frame. */
export type BoxXYXY = [number, number, number, number];

export interface Detection {
  readonly classId: number;
  readonly label: string;
  readonly score: number;
  readonly box: BoxXYXY;
}

export interface DetectTimings {
  /** Letterbox + colour conversion + tensor fill. */
  readonly preprocessMs: number;
  /** onnxruntime session.run(). */
  readonly inferenceMs: number;
  /** Decode + NMS + mapping back to frame pixels. */
  readonly postprocessMs: number;
}

export interface DetectResult {
  readonly seq: number;
  readonly capturedAt: number;
  readonly detections: Detection[];
  readonly timings: DetectTimings;
  /**
   * The frame's buffer, transferred back from the worker after preprocessing so the camera's frame pool can
   * reuse it (no allocation per frame). Absent when the detector does not transfer buffers.
   */
  readonly frameData?: Uint8Array;
}

export type OutputLayout = 'yolov8' | 'yolov5';

export interface ModelInfo {
  readonly path: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly layout: OutputLayout;
  readonly labels: readonly string[];
  /** From the model's metadata when present (e.g. "int8-qdq"), else "unknown". */
  readonly quantization: string;
  /** From the model's metadata `version` when present. */
  readonly version: string;
}

export interface ProviderAttempt {
  readonly provider: string;
  readonly ok: boolean;
  /** Why it was not used (error text) or "selected". */
  readonly reason: string;
}

export interface DetectorInfo {
  /** The execution provider that actually runs the model. */
  readonly provider: string;
  readonly attempts: readonly ProviderAttempt[];
  readonly model: ModelInfo;
  readonly threads: number;
}

export interface Detector {
  start(): Promise<DetectorInfo>;
  /** The frame's buffer may be transferred to the worker: the caller must not use `frame.data` afterwards. */
  detect(frame: Frame): Promise<DetectResult>;
  stop(): Promise<void>;
}
