/** No GPU here: the GPU providers must fail with a reason and cpu must be chosen, every attempt reported. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerOrder } from '../../src/agent/detect/execution-providers.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import type { Logger } from '../../src/log.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { assertDetections, RED_LANDSCAPE, solidRgbFrame } from './helpers/frames.ts';

function recordingLogger(lines: { level: string; obj: object; msg: string }[]): Logger {
  const rec = (level: string) => (obj: object | string, msg?: string): void => {
    lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj, msg: msg ?? '' });
  };
  const logger: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error'), child: () => logger };
  return logger;
}

test('cpu is always last and never twice', () => {
  assert.deepEqual(providerOrder(['tensorrt', 'cuda', 'cpu']), ['tensorrt', 'cuda', 'cpu']);
  assert.deepEqual(providerOrder(['cpu', 'cuda']), ['cuda', 'cpu']);
  assert.deepEqual(providerOrder([]), ['cpu']);
  assert.deepEqual(providerOrder([' CUDA ', 'cuda']), ['cuda', 'cpu']);
});

test('[webgpu, cuda, cpu] without a GPU runs on cpu, with a reason for each failed provider and a log line per attempt', async () => {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), providers: ['webgpu', 'cuda', 'cpu'], threads: 1 }, { logger: recordingLogger(lines) });
  try {
    const info = await detector.start();
    assert.equal(info.provider, 'cpu');
    assert.deepEqual(info.attempts.map((a) => [a.provider, a.ok]), [['webgpu', false], ['cuda', false], ['cpu', true]]);
    for (const a of info.attempts.slice(0, 2)) assert.ok(a.reason.length > 5 && a.reason !== 'selected', `${a.provider}: ${a.reason}`);
    assert.equal(info.attempts[2]!.reason, 'selected');
    const tried = lines.filter((l) => l.msg === 'trying execution provider').map((l) => (l.obj as { provider: string }).provider);
    assert.deepEqual(tried, ['webgpu', 'cuda', 'cpu']);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 2);
    // And the fallback really detects.
    assertDetections((await detector.detect(solidRgbFrame(128, 64, [255, 0, 0]))).detections, RED_LANDSCAPE);
  } finally {
    await detector.stop();
  }
});

test('an unknown provider name fails like a missing one', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('v8-names'), providers: ['no-such-ep'], threads: 1 });
  try {
    const info = await detector.start();
    assert.equal(info.provider, 'cpu');
    assert.equal(info.attempts[0]!.provider, 'no-such-ep');
    assert.equal(info.attempts[0]!.ok, false);
  } finally {
    await detector.stop();
  }
});
