/**
 * `lookout dataset synth --out DIR [...]`: writes a synthetic YOLO data set.
 * `lookout dataset check DIR`: validates a YOLO data set and prints its counts per split and class.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_BAD_INPUT, LookoutError } from '../errors.ts';
import { APPEARANCES, BACKGROUND_CHOICES, LIGHTINGS, type DomainShift } from '../agent/camera/synthetic/domain.ts';
import { MAX_SIZE, MIN_SIZE } from '../agent/camera/synthetic/scene.ts';
import { checkYoloDataset } from '../dataset/check-dataset.ts';
import { writeSynthDataset, type ImageFormat, type SynthProgress } from '../dataset/synth-writer.ts';
import { reportError } from './command.ts';

const SYNTH_USAGE = `usage: lookout dataset synth --out DIR [options]

Writes a synthetic data set (classes person, car, dog) in the Ultralytics/YOLO layout:
DIR/images/{train,val}, DIR/labels/{train,val}, DIR/data.yaml, DIR/meta.json.

  --out DIR            output folder (created; must be empty unless --force)
  --count N            number of images (default 1000)
  --seed S             seed, 0..4294967295 (default 1): same seed and options, same files
  --width W            image width in pixels (default 640)
  --height H           image height in pixels (default 480)
  --val F              fraction of images in the val split, 0 <= F < 1 (default 0.2)
  --format jpg|png     image format (default jpg, quality 92)
  --lighting L         ${LIGHTINGS.join(' | ')} (default day)
  --background B       ${BACKGROUND_CHOICES.join(' | ')} (default any)
  --appearance A       ${APPEARANCES.join(' | ')} (default default)
  --force              replace the data set files of a non-empty folder`;

const CHECK_USAGE = `usage: lookout dataset check DIR|DATA.yaml [--no-images]

Validates a YOLO data set (data.yaml, every label line, every image) and prints images, empty images and
boxes per class for each split. Exits 2 when anything is wrong.

  --no-images          do not open the images (labels and layout only)`;

const USAGE = `usage: lookout dataset <synth|check> [options]\n\n${SYNTH_USAGE}\n\n${CHECK_USAGE}`;

function badOption(option: string, message: string): LookoutError {
  return new LookoutError('cli', 'BAD_OPTION', message, { where: option });
}

interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, positionals: boolean): Parsed {
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const option = /'(-[-\w]+)/.exec(message)?.[1] ?? 'arguments';
    throw badOption(option, message);
  }
}

function integer(option: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw badOption(option, `${option} must be an integer, got ${JSON.stringify(raw)}`);
  const v = Number(raw);
  if (v < min || v > max) throw badOption(option, `${option} must be in ${min}..${max}, got ${v}`);
  return v;
}

function choice<T extends string>(option: string, raw: string | undefined, fallback: T, allowed: readonly T[]): T {
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw badOption(option, `${option} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function progressPrinter(): (p: SynthProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (p) => {
    const now = p.elapsedMs;
    if (p.done !== p.total && now - last < 1000) return;
    last = now;
    const rate = p.done / Math.max(now / 1000, 1e-3);
    const eta = (p.total - p.done) / Math.max(rate, 1e-9);
    const line = `synth: ${p.done}/${p.total} (${Math.floor((100 * p.done) / p.total)}%) ${rate.toFixed(1)} img/s ETA ${Math.ceil(eta)}s`;
    process.stderr.write(tty ? `\r${line}${p.done === p.total ? '\n' : ''}` : `${line}\n`);
  };
}

async function synth(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, width: { type: 'string' },
    height: { type: 'string' }, val: { type: 'string' }, format: { type: 'string' }, lighting: { type: 'string' },
    background: { type: 'string' }, appearance: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help === true) {
    process.stdout.write(SYNTH_USAGE + '\n');
    return 0;
  }
  const out = str(values.out);
  if (out === undefined || out === '') throw badOption('--out', '--out DIR is required');
  const valRaw = str(values.val);
  let val = 0.2;
  if (valRaw !== undefined) {
    val = /^(\d+\.?\d*|\.\d+)$/.test(valRaw) ? Number(valRaw) : NaN;
    if (!(val >= 0 && val < 1)) throw badOption('--val', `--val must be a number with 0 <= val < 1, got ${JSON.stringify(valRaw)}`);
  }
  const domain: DomainShift = {
    lighting: choice('--lighting', str(values.lighting), 'day', LIGHTINGS),
    background: choice('--background', str(values.background), 'any', BACKGROUND_CHOICES),
    appearance: choice('--appearance', str(values.appearance), 'default', APPEARANCES),
  };
  const summary = await writeSynthDataset(
    {
      out,
      count: integer('--count', str(values.count), 1000, 1, 10_000_000),
      seed: integer('--seed', str(values.seed), 1, 0, 0xffffffff),
      width: integer('--width', str(values.width), 640, MIN_SIZE, MAX_SIZE),
      height: integer('--height', str(values.height), 480, MIN_SIZE, MAX_SIZE),
      val,
      format: choice<ImageFormat>('--format', str(values.format), 'jpg', ['jpg', 'png']),
      domain,
      force: values.force === true,
    },
    progressPrinter(),
  );
  for (const split of ['train', 'val'] as const) {
    const s = summary.splits[split];
    const objects = Object.entries(s.objects).map(([k, v]) => `${k}=${v}`).join(' ');
    process.stdout.write(`${split}: ${s.images} images (${s.empty} empty), ${objects}\n`);
  }
  process.stdout.write(`wrote ${summary.dataYaml}\n`);
  return 0;
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'no-images': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    process.stdout.write(CHECK_USAGE + '\n');
    return 0;
  }
  const [target, ...extra] = positionals;
  if (target === undefined) throw badOption('DIR', 'give the data set folder or its data.yaml');
  if (extra.length > 0) throw badOption(extra[0]!, `unexpected argument ${JSON.stringify(extra[0])}`);
  const report = await checkYoloDataset(target, { images: values['no-images'] !== true });
  process.stdout.write(`data: ${report.dataYaml}\nclasses: ${report.names.map((n, i) => `${i}=${n}`).join(' ')}\n`);
  for (const s of report.splits) {
    const boxes = s.boxes.map((n, i) => `${report.names[i] ?? i}=${n}`).join(' ');
    process.stdout.write(`${s.split}: ${s.images} images (${s.empty} empty, ${s.missingLabels} without label file), boxes: ${boxes}\n`);
  }
  for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const e of report.errors) reportError(e);
  if (report.errors.length > 0) {
    process.stderr.write(`lookout: ${report.errors.length} error(s)\n`);
    return EXIT_BAD_INPUT;
  }
  process.stdout.write('ok\n');
  return 0;
}

export const summary = 'Write a synthetic YOLO data set (synth) or validate one (check)';

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'synth') return await synth(rest);
    if (sub === 'check') return await check(rest);
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    throw new LookoutError('cli', 'BAD_OPTION', `unknown dataset command ${JSON.stringify(sub ?? '')}: use synth or check`, { where: 'dataset' });
  } catch (e) {
    return reportError(e);
  }
}
