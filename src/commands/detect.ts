/**
 * `lookout detect IMAGE... [options]`: runs the agent's detector (worker thread, same preprocessing and
 * post-processing) on JPEG/PNG files.
 *
 * Output: one line per detection, or with --json one JSON array for the whole run:
 *   [{ "file": "a.jpg", "detections": [{ "label": "person", "score": 0.91, "box": [x1, y1, x2, y2] }] }]
 * (box in image pixels). The execution provider used, and why others failed, go to stderr.
 * --out: with one image, the annotated PNG's path; with several images, or a path that is a folder or ends
 * with "/", a folder that receives NAME.annotated.png per image.
 * Exit codes: 0 done, 2 bad input (model, labels, image, option), 1 anything else. An image that cannot be
 * decoded is reported and skipped; the others are still processed and the run exits 2.
 */
import { mkdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_BAD_INPUT, LookoutError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { OnnxDetector, type OnnxDetectorOptions } from '../agent/detect/onnx-detector.ts';
import { defaultModelPath } from '../agent/detect/runtime-paths.ts';
import type { Detection, DetectorInfo } from '../agent/detect/types.ts';
import { writeAnnotatedPng } from '../image/annotate-image.ts';
import { decodeImageFile } from '../image/decode-image.ts';
import { reportError } from './command.ts';

export const summary = 'detect objects in JPEG/PNG images with the agent\'s model and code path';

/** Options shared by `detect` and `eval`: the detector's settings. */
export const detectorArgs = {
  model: { type: 'string' },
  labels: { type: 'string' },
  conf: { type: 'string' },
  iou: { type: 'string' },
  providers: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function badArg(option: string, message: string): LookoutError {
  return new LookoutError('cli', 'BAD_ARGUMENT', message, { where: `--${option}` });
}

function numberArg(option: string, text: string | undefined, lo: number, hi: number, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw badArg(option, `expected ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(text)}`);
  }
  return v;
}

export interface DetectorArgValues {
  readonly model?: string | undefined;
  readonly labels?: string | undefined;
  readonly conf?: string | undefined;
  readonly iou?: string | undefined;
  readonly providers?: string | undefined;
  readonly threads?: string | undefined;
}

export function detectorOptionsFrom(values: DetectorArgValues, defaults: { conf: number; iou: number }): OnnxDetectorOptions {
  const providers = values.providers?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (providers?.length === 0) throw badArg('providers', 'expected a comma-separated list such as cuda,cpu');
  return {
    modelPath: values.model ?? defaultModelPath(),
    labelsPath: values.labels,
    conf: numberArg('conf', values.conf, 0, 1) ?? defaults.conf,
    iou: numberArg('iou', values.iou, 0, 1) ?? defaults.iou,
    providers,
    threads: numberArg('threads', values.threads, 1, 1024, true),
  };
}

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** Parses argv, turning node:util's errors into BAD_ARGUMENT. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ParsedResults<T> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new LookoutError('cli', 'BAD_ARGUMENT', errorMessage(e), { where: 'arguments' });
  }
}

/** Warnings and errors to stderr, one line each; the commands' own output stays on stdout. */
export const stderrLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => {
    writeLog('warning', obj, msg);
  },
  error: (obj, msg) => {
    writeLog('error', obj, msg);
  },
  child: () => stderrLogger,
};

function writeLog(level: string, obj: object | string, msg?: string): void {
  const text = typeof obj === 'string' ? obj : `${msg ?? ''} ${Object.entries(obj).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`;
  process.stderr.write(`lookout: ${level}: ${text.trim()}\n`);
}

export function describeProvider(info: DetectorInfo): string {
  const failed = info.attempts.filter((a) => !a.ok).map((a) => `${a.provider}: ${a.reason}`);
  return `execution provider: ${info.provider}${failed.length > 0 ? ` (not used: ${failed.join('; ')})` : ''}, ${info.threads} threads\n`;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export interface JsonDetection {
  readonly label: string;
  readonly score: number;
  readonly box: [number, number, number, number];
}

function toJson(d: Detection): JsonDetection {
  return { label: d.label, score: round(d.score, 4), box: [round(d.box[0], 2), round(d.box[1], 2), round(d.box[2], 2), round(d.box[3], 2)] };
}

const usage = `usage: lookout detect IMAGE... [--model M] [--labels FILE] [--conf 0.25] [--iou 0.7]
                      [--providers cpu,...] [--threads N] [--json] [--out FILE.png | --out DIR/]
  --model      ONNX model (default: models/lookout-int8.onnx)
  --labels     class names, one per line (overrides the model's names)
  --providers  execution providers to try in order; cpu is always tried last
  --json       one JSON array: [{ "file", "detections": [{ "label", "score", "box": [x1,y1,x2,y2] }] }]
  --out        annotated PNG; with several images a folder receiving NAME.annotated.png
`;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

export async function run(argv: string[]): Promise<number> {
  let detector: OnnxDetector | undefined;
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      options: { ...detectorArgs, out: { type: 'string' } },
    });
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    if (positionals.length === 0) throw new LookoutError('cli', 'BAD_ARGUMENT', 'no image given', { where: 'IMAGE' });
    const options = detectorOptionsFrom(values, { conf: 0.25, iou: 0.7 });
    const out = values.out;
    const outDir = out !== undefined && (positionals.length > 1 || out.endsWith('/') || (await isDirectory(out))) ? out : undefined;
    if (outDir !== undefined) await mkdir(outDir, { recursive: true });

    detector = new OnnxDetector(options, { logger: stderrLogger });
    const info = await detector.start();
    process.stderr.write(describeProvider(info));

    const results: { file: string; detections: JsonDetection[] }[] = [];
    let failed = false;
    let seq = 0;
    for (const file of positionals) {
      let image;
      try {
        image = await decodeImageFile(file);
      } catch (e) {
        failed = true;
        reportError(e);
        continue;
      }
      // The frame's buffer moves to the worker; keep a copy only when it is needed afterwards.
      const kept = out === undefined ? undefined : image.data.slice();
      const result = await detector.detect({ data: image.data, width: image.width, height: image.height, format: 'rgb24', capturedAt: performance.now(), seq: seq++ });
      results.push({ file, detections: result.detections.map(toJson) });
      if (!values.json) {
        if (result.detections.length === 0) process.stdout.write(`${file}: no detections\n`);
        for (const d of result.detections) {
          const b = d.box.map((v) => v.toFixed(1)).join(', ');
          process.stdout.write(`${file}: ${d.label} ${d.score.toFixed(2)} [${b}]\n`);
        }
      }
      if (kept !== undefined && out !== undefined) {
        const target = outDir === undefined ? out : join(outDir, `${basename(file, extname(file))}.annotated.png`);
        await writeAnnotatedPng({ data: kept, width: image.width, height: image.height }, result.detections, target);
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return failed ? EXIT_BAD_INPUT : 0;
  } catch (e) {
    return reportError(e);
  } finally {
    await detector?.stop();
  }
}
