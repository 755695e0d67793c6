/**
 * The detector itself, as it runs inside the worker thread: owns the onnxruntime session, the reused input
 * tensor, the preprocessor and the postprocessor. One frame at a time (the worker handles one message at a time).
 * Also usable directly on the main thread where blocking does not matter (benchmarks).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { LookoutError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { openSession, shortReason, DEFAULT_PROVIDERS, type OrtLogLevel } from './execution-providers.ts';
import { checkFrame, type FrameImage } from './frame-check.ts';
import { boxMapping, type BoxMapping } from './letterbox.ts';
import { resolveLabels } from './model-labels.ts';
import { inputSizeFor } from './model-input.ts';
import { readOnnxModelFile } from './onnx-model-file.ts';
import { expectedOutputLength, outputShapeFor, type OutputShape } from './output-decoder.ts';
import { DEFAULT_POSTPROCESS, Postprocessor, type PostprocessOptions } from './postprocess.ts';
import { LetterboxPreprocessor } from './preprocess.ts';
import type { Detection, DetectorInfo, DetectTimings, ModelInfo } from './types.ts';

export interface DetectEngineOptions {
  readonly modelPath: string;
  /** Class names that override the model's metadata (see model-labels.ts for the order). */
  readonly labels?: readonly string[] | undefined;
  readonly labelsPath?: string | undefined;
  /** Execution providers in order of preference; `cpu` is always tried last. Default ['cpu']. */
  readonly providers?: readonly string[] | undefined;
  /** onnxruntime intra-op threads; default: all cores. */
  readonly threads?: number | undefined;
  readonly conf?: number | undefined;
  readonly iou?: number | undefined;
  readonly maxDet?: number | undefined;
  readonly maxCandidates?: number | undefined;
  /** onnxruntime's own stderr log level; default 'fatal' (see execution-providers.ts). */
  readonly ortLogLevel?: OrtLogLevel | undefined;
}

export interface EngineOutput {
  readonly detections: Detection[];
  readonly timings: DetectTimings;
}

interface Probed {
  readonly inputName: string;
  readonly outputName: string;
  readonly pre: LetterboxPreprocessor;
  readonly feeds: Record<string, ort.Tensor>;
  readonly outputDims: readonly number[];
}

function checkThreshold(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v) || v < lo || v > hi) throw new LookoutError('config', 'BAD_OPTION', `${name} must be in [${lo}, ${hi}], got ${v}`, { where: name });
  return v;
}

export function postprocessOptions(o: DetectEngineOptions): PostprocessOptions {
  return {
    conf: checkThreshold('conf', o.conf ?? DEFAULT_POSTPROCESS.conf, 0, 1),
    iou: checkThreshold('iou', o.iou ?? DEFAULT_POSTPROCESS.iou, 0, 1),
    maxDet: Math.floor(checkThreshold('maxDet', o.maxDet ?? DEFAULT_POSTPROCESS.maxDet, 1, 1e6)),
    maxCandidates: Math.floor(checkThreshold('maxCandidates', o.maxCandidates ?? DEFAULT_POSTPROCESS.maxCandidates, 1, 1e7)),
  };
}

function outputTensor(result: ort.InferenceSession.ReturnType, name: string, where: string): ort.Tensor {
  const out = result[name];
  if (out === undefined || out.type !== 'float32' || !(out.data instanceof Float32Array)) {
    throw new LookoutError('model', 'UNKNOWN_OUTPUT', `output "${name}" is ${out?.type ?? 'missing'}; the decoders read float32`, { where });
  }
  return out;
}

export class DetectEngine {
  private mapping: BoxMapping | undefined;
  private closed = false;

  private constructor(
    readonly info: DetectorInfo,
    private readonly session: ort.InferenceSession,
    private readonly probed: Probed,
    private readonly shape: OutputShape,
    private readonly post: Postprocessor,
  ) {}

  static async open(options: DetectEngineOptions, logger: Logger = silentLogger): Promise<DetectEngine> {
    const where = options.modelPath;
    const post = postprocessOptions(options);
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new LookoutError('config', 'BAD_OPTION', `threads must be a positive integer, got ${threads}`, { where: 'threads' });
    const file = await readOnnxModelFile(options.modelPath);
    const { labels, source } = await resolveLabels(options.modelPath, file.header.metadata, options);
    logger.info({ model: where, labels: labels.length, labelSource: source }, 'model read');

    const probe = async (session: ort.InferenceSession): Promise<Probed> => {
      const input = session.inputMetadata[0];
      if (input === undefined || !input.isTensor || session.inputMetadata.length !== 1) {
        throw new LookoutError('model', 'UNSUPPORTED_INPUT', `model has ${session.inputMetadata.length} inputs; the detector feeds one image tensor`, { where });
      }
      const size = inputSizeFor(input.shape, input.type, file.header.metadata, where);
      const pre = new LetterboxPreprocessor(size.width, size.height);
      pre.tensor.fill(114 / 255);
      const feeds = { [input.name]: new ort.Tensor('float32', pre.tensor, [1, 3, size.height, size.width]) };
      const outputName = session.outputNames.includes('output0') ? 'output0' : session.outputNames[0];
      if (outputName === undefined) throw new LookoutError('model', 'UNKNOWN_OUTPUT', 'model has no outputs', { where });
      // The warm-up run: proves the provider can execute the graph and tells the real output dims, which the
      // metadata may leave symbolic.
      const out = outputTensor(await session.run(feeds), outputName, where);
      return { inputName: input.name, outputName, pre, feeds, outputDims: [...out.dims] };
    };
    const opened = await openSession(file.bytes, where, options.providers ?? DEFAULT_PROVIDERS, { threads, ortLogLevel: options.ortLogLevel }, probe, logger);
    const { probed } = opened;
    let shape: OutputShape;
    try {
      shape = outputShapeFor(probed.outputDims, labels.length, where);
    } catch (e) {
      await opened.session.release();
      throw e;
    }
    const model: ModelInfo = {
      path: options.modelPath,
      inputName: probed.inputName,
      outputName: probed.outputName,
      inputWidth: probed.pre.width,
      inputHeight: probed.pre.height,
      layout: shape.layout,
      labels,
      quantization: file.header.metadata.get('quantization') ?? 'unknown',
      version: file.header.metadata.get('version') ?? 'unknown',
    };
    const info: DetectorInfo = { provider: opened.provider, attempts: opened.attempts, model, threads };
    return new DetectEngine(info, opened.session, probed, shape, new Postprocessor(shape, labels, post));
  }

  async detect(frame: FrameImage, where = 'frame'): Promise<EngineOutput> {
    checkFrame(frame, where);
    const t0 = performance.now();
    const pre = this.probed.pre;
    const geometry = pre.fill(frame);
    const t1 = performance.now();
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(this.probed.feeds);
    } catch (e) {
      throw new LookoutError('inference', 'INFERENCE_FAILED', `onnxruntime run failed on ${this.info.provider}: ${shortReason(e)}`, { where, cause: e });
    }
    const t2 = performance.now();
    const out = outputTensor(result, this.probed.outputName, this.info.model.path);
    const data = out.data as Float32Array;
    if (data.length !== expectedOutputLength(this.shape)) {
      throw new LookoutError('inference', 'OUTPUT_CHANGED', `output dims [${out.dims.join(', ')}] differ from the warm-up's [${this.probed.outputDims.join(', ')}]`, { where: this.info.model.path });
    }
    let m = this.mapping;
    if (m?.frameWidth !== frame.width || m.frameHeight !== frame.height) {
      m = boxMapping(geometry);
      this.mapping = m;
    }
    const detections = this.post.run(data, m);
    const t3 = performance.now();
    return { detections, timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}
