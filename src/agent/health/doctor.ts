/**
 * `lookout doctor`: checks, on the board, everything the config needs: camera tool present and a frame
 * readable, GPIO chip and lines found and writable, model loads, which providers work, temperature readable.
 * Each check reports ok / warn / fail with one line of detail; any `fail` makes the exit code non-zero.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { errorMessage, isLookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Config } from '../../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Timers } from '../../util/timers.ts';
import { OnnxDetector } from '../detect/onnx-detector.ts';
import { createActuator, createSource, detectorThreads, resolveFromRoot } from '../main.ts';
import { findCpuZone, readZoneTempC } from './thermal.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DoctorDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly timers: Timers;
  /** Environment of capture tools; its PATH is where tools are looked for. */
  readonly env: NodeJS.ProcessEnv;
  readonly thermalRoot?: string;
  readonly frameTimeoutMs?: number;
}

async function onPath(tool: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory: keep looking
    }
  }
  return undefined;
}

const CAMERA_TOOLS: Record<Config['camera']['source'], readonly string[]> = {
  synthetic: [],
  libcamera: ['rpicam-vid', 'libcamera-vid'],
  v4l2: ['ffmpeg'],
  gstreamer: ['gst-launch-1.0'],
  file: ['ffmpeg'],
};

function describe(e: unknown): string {
  return isLookoutError(e) ? `${e.message} [${e.code}]` : errorMessage(e);
}

async function checkCameraTool(d: DoctorDeps): Promise<CheckResult> {
  const tools = CAMERA_TOOLS[d.config.camera.source];
  if (tools.length === 0) return { name: 'camera tool', status: 'ok', detail: `${d.config.camera.source}: none needed` };
  for (const tool of tools) {
    const found = await onPath(tool, d.env.PATH ?? '');
    if (found !== undefined) return { name: 'camera tool', status: 'ok', detail: found };
  }
  return { name: 'camera tool', status: 'fail', detail: `none of ${tools.join(', ')} on PATH` };
}

async function checkFrame(d: DoctorDeps): Promise<CheckResult> {
  const name = 'camera frame';
  try {
    const source = await createSource(d.config, d.logger, d.clock, d.timers, d.env);
    let timer: ReturnType<Timers['setTimeout']> | undefined;
    try {
      const frame = await new Promise<{ width: number; height: number }>((resolve, reject) => {
        timer = d.timers.setTimeout(() => {
          reject(new Error(`no frame within ${d.frameTimeoutMs ?? 10_000} ms`));
        }, d.frameTimeoutMs ?? 10_000);
        source.start((f) => {
          source.release(f.data);
          resolve({ width: f.width, height: f.height });
        }).catch(reject);
      });
      return { name, status: 'ok', detail: `${source.name}: ${frame.width}×${frame.height} frame read` };
    } finally {
      if (timer !== undefined) d.timers.clearTimeout(timer);
      await source.stop();
    }
  } catch (e) {
    return { name, status: 'fail', detail: describe(e) };
  }
}

async function checkGpio(d: DoctorDeps): Promise<CheckResult> {
  const name = 'gpio outputs';
  const outputs = d.config.gpio.outputs;
  if (outputs.length === 0) return { name, status: 'warn', detail: 'no outputs configured' };
  try {
    // start() finds the chip by label and each line, claims it and drives its initial level; stop() drives
    // the safe level and releases it: exactly what `run` will do, so a pass here means run can.
    const actuator = await createActuator(d.config, d.logger, d.clock);
    await actuator.start();
    await actuator.stop();
    return { name, status: 'ok', detail: `${d.config.gpio.backend}: ${outputs.map((o) => `${o.name} (${String(o.line)})`).join(', ')} claimed and released` };
  } catch (e) {
    return { name, status: 'fail', detail: describe(e) };
  }
}

async function checkProviders(d: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const wanted = d.config.detector.providers;
  let anyOk = false;
  for (const provider of wanted) {
    const detector = new OnnxDetector({
      modelPath: resolveFromRoot(d.config.detector.model),
      labelsPath: d.config.detector.labels === undefined ? undefined : resolveFromRoot(d.config.detector.labels),
      providers: [provider],
      threads: detectorThreads(d.config.detector.threads),
    });
    try {
      const info = await detector.start();
      const ran = info.provider === provider;
      anyOk ||= ran;
      const attempt = info.attempts.find((a) => a.provider === provider);
      results.push({
        name: `provider ${provider}`,
        status: ran ? 'ok' : 'warn',
        detail: ran ? `model loads (${info.model.inputWidth}×${info.model.inputHeight}, ${info.model.labels.length} classes)` : `unavailable: ${attempt?.reason ?? 'not tried'}`,
      });
    } catch (e) {
      results.push({ name: `provider ${provider}`, status: 'fail', detail: describe(e) });
    } finally {
      await detector.stop();
    }
  }
  if (!anyOk && !results.some((r) => r.status === 'fail')) {
    results.push({ name: 'model', status: 'fail', detail: `none of the configured providers (${wanted.join(', ')}) can run the model` });
  }
  return results;
}

async function checkThermal(d: DoctorDeps): Promise<CheckResult> {
  const zone = await findCpuZone(d.thermalRoot);
  const temp = await readZoneTempC(zone);
  if (zone === undefined || temp === null) return { name: 'temperature', status: 'warn', detail: 'no readable thermal zone (throttling cannot be reported)' };
  return { name: 'temperature', status: 'ok', detail: `${temp} °C (${zone.type})` };
}

export async function runDoctor(d: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [{ name: 'config', status: 'ok', detail: `device ${d.config.device.id}, camera ${d.config.camera.source}, gpio ${d.config.gpio.backend}` }];
  const tool = await checkCameraTool(d);
  results.push(tool);
  if (tool.status !== 'fail') results.push(await checkFrame(d));
  results.push(await checkGpio(d));
  results.push(...(await checkProviders(d)));
  results.push(await checkThermal(d));
  return results;
}

export function formatChecklist(results: readonly CheckResult[]): string {
  const mark: Record<CheckStatus, string> = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]' };
  return results.map((r) => `${mark[r.status]} ${r.name.padEnd(18)} ${r.detail}`).join('\n');
}
