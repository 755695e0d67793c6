import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLibcameraSource } from '../../src/agent/camera/libcamera.ts';
import { expectedPattern, fastSettings, readRuns, recordingLogger, standInEnv, startCollecting, tempDir, testDeps, waitFor } from './support/stand-ins.ts';

// 2028 is the width of rpicam-apps#857: the VideoCore ISP pads its rows to 2048 bytes.
for (const [isp, width, height] of [['vc4', 2028, 16], ['pisp', 320, 24]] as const) {
  test(`rpicam-vid frames (${isp}, ${width}x${height}) arrive exact, padding stripped, across odd-sized reads`, async () => {
    const dir = await tempDir('rpicam');
    const log = `${dir}/runs.jsonl`;
    const logger = recordingLogger();
    const env = standInEnv({ STANDIN_LOG: log, STANDIN_ISP: isp, STANDIN_CHUNK: 'odd', STANDIN_STDERR: 'garbage', STANDIN_FPS: '200' });
    const source = await createLibcameraSource({ width, height, fps: 30, isp, settings: fastSettings }, testDeps(env, logger));
    const got = await startCollecting(source);
    await waitFor('8 frames', () => got.frames.length >= 8);
    await source.stop();

    for (let k = 0; k < 8; k++) {
      const frame = got.frames[k]!;
      assert.equal(frame.seq, k);
      assert.equal(frame.width, width);
      assert.equal(frame.format, 'i420');
      assert.equal(got.copies[k]!.length, width * height * 1.5);
      assert.deepEqual(got.copies[k], expectedPattern(width, height, k), `frame ${k} differs`);
      if (k > 0) assert.ok(frame.capturedAt >= got.frames[k - 1]!.capturedAt);
    }
    assert.equal(source.stats.restarts, 0);
    assert.equal(source.stats.shortReads, 0);
    const runs = await readRuns(log);
    assert.equal(runs[0]?.tool, 'rpicam-vid');
    assert.deepEqual(runs[0].argv, ['-t', '0', '-n', '--codec', 'yuv420', '--width', String(width), '--height', String(height), '--framerate', '30', '--flush', '-o', '-']);
    // stderr went to the log, line by line, rate limited (the stand-in prints a line per frame).
    const stderrLines = logger.lines.filter((l) => l.msg === 'capture stderr');
    assert.ok(stderrLines.some((l) => JSON.stringify(l.obj).includes('garbage line for the log')));
    assert.ok(stderrLines.length <= 20);
  });
}
