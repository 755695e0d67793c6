/**
 * The model input's size: from the input shape [1, 3, H, W] when fixed; when H or W is symbolic, from the
 * `imgsz` metadata Ultralytics writes (`[640, 640]`, i.e. [h, w], or a single number); else 640, the
 * Ultralytics default.
 */
import { LookoutError } from '../../errors.ts';

export const DEFAULT_INPUT_SIZE = 640;

export interface InputSize {
  readonly width: number;
  readonly height: number;
}

function fixedDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && Number.isInteger(d) && d > 0 ? d : undefined;
}

/** Parses `imgsz`: "640", "[640, 480]" or "(640, 480)" ([h, w]); undefined when absent, error when unreadable. */
export function parseImgsz(text: string | undefined, where: string): InputSize | undefined {
  if (text === undefined) return undefined;
  const nums = text.replace(/[[\]()\s]/g, '').split(',').filter((s) => s !== '').map(Number);
  const ok = nums.every((n) => Number.isInteger(n) && n > 0);
  if (!ok || nums.length < 1 || nums.length > 2) {
    throw new LookoutError('model', 'BAD_METADATA', `metadata "imgsz" ${JSON.stringify(text)} is not a size`, { where: `${where}: metadata imgsz` });
  }
  const h = nums[0]!;
  return { height: h, width: nums[1] ?? h };
}

/**
 * Checks the input is one float32 image tensor [N, 3, H, W] and returns its H and W. Symbolic H/W fall back to
 * `imgsz`, then to 640.
 */
export function inputSizeFor(shape: readonly (number | string)[], type: string, metadata: ReadonlyMap<string, string>, where: string): InputSize {
  if (type !== 'float32') {
    throw new LookoutError('model', 'UNSUPPORTED_INPUT', `model input is ${type}; the detector feeds float32 images`, { where });
  }
  if (shape.length !== 4 || (fixedDim(shape[1]) !== undefined && shape[1] !== 3)) {
    throw new LookoutError('model', 'UNSUPPORTED_INPUT', `model input shape [${shape.join(', ')}] is not [1, 3, H, W]`, { where });
  }
  const h = fixedDim(shape[2]);
  const w = fixedDim(shape[3]);
  if (h !== undefined && w !== undefined) return { width: w, height: h };
  const meta = parseImgsz(metadata.get('imgsz'), where);
  return { height: h ?? meta?.height ?? DEFAULT_INPUT_SIZE, width: w ?? meta?.width ?? DEFAULT_INPUT_SIZE };
}
