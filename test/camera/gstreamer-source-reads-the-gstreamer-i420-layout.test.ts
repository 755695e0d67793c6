import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGstreamerSource } from '../../src/agent/camera/gstreamer.ts';
import { expectedPattern, fastSettings, readRuns, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

test('gst-launch frames with padded rows and an odd height come out tight, from a pipeline gst can parse', async () => {
  const dir = await tempDir('gst');
  const log = `${dir}/runs.jsonl`;
  // 318x239: GStreamer pads luma rows to 320, chroma rows to 160, and the luma plane to 240 rows.
  const source = createGstreamerSource(
    { sensorId: 1, width: 318, height: 239, fps: 29.97, captureWidth: 1280, captureHeight: 720, flipMethod: 2, settings: fastSettings },
    testDeps(standInEnv({ STANDIN_LOG: log, STANDIN_CHUNK: 'batch' })),
  );
  const got = await startCollecting(source);
  await waitFor('6 frames', () => got.frames.length >= 6);
  await source.stop();

  for (let k = 0; k < 6; k++) assert.deepEqual(got.copies[k], expectedPattern(318, 239, k), `frame ${k}`);
  const runs = await readRuns(log);
  assert.deepEqual(runs[0]?.argv, [
    '-q',
    'nvarguscamerasrc',
    'sensor-id=1',
    '!',
    'video/x-raw(memory:NVMM),width=1280,height=720,framerate=2997/100',
    '!',
    'nvvidconv',
    'flip-method=2',
    '!',
    'video/x-raw,format=I420,width=318,height=239',
    '!',
    'fdsink',
    'fd=1',
  ]);
  assert.equal(source.name, 'gstreamer:1');
});
