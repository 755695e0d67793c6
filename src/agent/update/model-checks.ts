/**
 * What a new model must satisfy beyond its bytes: its class names are the ones the signed manifest lists, the
 * configured rules still find every class they name, and its input is the size the manifest says.
 */
import { LookoutError, errorMessage, isLookoutError } from '../../errors.ts';
import type { Manifest } from '../../protocol/manifest.ts';
import { parseClassNames } from '../detect/class-names.ts';
import { readOnnxModelFile } from '../detect/onnx-model-file.ts';
import type { DetectorInfo } from '../detect/types.ts';

/** What the checks need of a rule. */
export interface RuleClasses {
  readonly name: string;
  readonly classes: readonly string[];
}

/** LABELS_BREAK_RULE when a rule names a class the labels lack (a rule with no classes takes any label). */
export function checkRulesKeepTheirClasses(rules: readonly RuleClasses[], labels: readonly string[]): void {
  const have = new Set(labels);
  for (const rule of rules) {
    const missing = rule.classes.find((c) => !have.has(c));
    if (missing !== undefined) {
      throw new LookoutError('update', 'LABELS_BREAK_RULE', `rule "${rule.name}" needs class "${missing}", which the new model lacks (it has ${labels.join(', ')})`,
        { where: `rules.${rule.name}.classes` });
    }
  }
}

/**
 * Reads the file's ONNX header (LOAD_FAILED when it is no readable ONNX model) and, when the model names its
 * classes itself (`names` metadata), checks they are the manifest's, in order (LABELS_MISMATCH).
 */
export async function checkModelFile(path: string, manifest: Manifest): Promise<void> {
  let names: string | undefined;
  try {
    names = (await readOnnxModelFile(path)).header.metadata.get('names');
  } catch (e) {
    const code = isLookoutError(e) ? ` [${e.code}]` : '';
    throw new LookoutError('update', 'LOAD_FAILED', `model does not load: ${errorMessage(e)}${code}`, { where: path, cause: e });
  }
  if (names === undefined) return;
  let own: string[];
  try {
    own = parseClassNames(names, path);
  } catch (e) {
    throw new LookoutError('update', 'LOAD_FAILED', `model's names metadata is unreadable: ${errorMessage(e)}`, { where: path, cause: e });
  }
  if (own.length !== manifest.labels.length || own.some((label, i) => label !== manifest.labels[i])) {
    throw new LookoutError('update', 'LABELS_MISMATCH', `model names its classes ${own.join(', ')}; the manifest says ${manifest.labels.join(', ')}`, { where: 'manifest.labels' });
  }
}

/** INPUT_MISMATCH unless the loaded model takes the manifest's input: its size, and RGB (what the detector feeds). */
export function checkInput(info: DetectorInfo, manifest: Manifest): void {
  const { inputWidth, inputHeight } = info.model;
  if (inputWidth !== manifest.input.width || inputHeight !== manifest.input.height) {
    throw new LookoutError('update', 'INPUT_MISMATCH', `model input is ${inputWidth}x${inputHeight}; the manifest says ${manifest.input.width}x${manifest.input.height}`,
      { where: 'manifest.input' });
  }
  if (manifest.input.format !== 'rgb') {
    throw new LookoutError('update', 'INPUT_MISMATCH', `manifest input format is ${manifest.input.format}; the detector feeds RGB`, { where: 'manifest.input.format' });
  }
}
