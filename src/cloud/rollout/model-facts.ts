/** What a manifest says about a model file, read from the file itself: labels, input size, quantisation. */
import { readOnnxModelFile } from '../../agent/detect/onnx-model-file.ts';
import { DEFAULT_INPUT_SIZE, parseImgsz } from '../../agent/detect/model-input.ts';
import { resolveLabels } from '../../agent/detect/model-labels.ts';

export interface ModelFacts {
  readonly labels: readonly string[];
  readonly input: { readonly width: number; readonly height: number };
  readonly quantization: 'float32' | 'int8-qdq';
}

export async function modelFacts(path: string): Promise<ModelFacts> {
  const file = await readOnnxModelFile(path);
  const metadata = file.header.metadata;
  const { labels } = await resolveLabels(path, metadata, {});
  const size = parseImgsz(metadata.get('imgsz'), path) ?? { width: DEFAULT_INPUT_SIZE, height: DEFAULT_INPUT_SIZE };
  return { labels, input: size, quantization: metadata.get('quantization') === 'int8-qdq' ? 'int8-qdq' : 'float32' };
}
