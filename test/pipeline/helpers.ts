import { systemClock } from '../../src/agent/clock.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { SyntheticSource } from '../../src/agent/camera/synthetic-source.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import type { Detector } from '../../src/agent/detect/types.ts';
import { outputListSchema } from '../../src/agent/gpio/schema.ts';
import { SimActuator } from '../../src/agent/gpio/sim-actuator.ts';
import { compileRules, parseRules, type RuleConfigInput } from '../../src/agent/rules/index.ts';
import { Pipeline, type PipelineListeners } from '../../src/agent/pipeline.ts';
import { silentLogger } from '../../src/log.ts';
import { fixtureModel, type FixtureModel } from '../detect/helpers/fixture-models.ts';

export interface Rig {
  readonly pipeline: Pipeline;
  readonly source: SyntheticSource;
  readonly actuator: SimActuator;
  stop(): Promise<void>;
}

/** The real pipeline over the synthetic camera, a real detector on a fixture model and a simulated relay. */
export async function startRig(opts: {
  model: FixtureModel;
  fps: number;
  rules: RuleConfigInput[];
  listeners?: PipelineListeners;
  /** Wraps the real detector (to observe calls). */
  wrap?: (d: Detector) => Detector;
}): Promise<Rig> {
  const source = new SyntheticSource({ width: 320, height: 240, fps: opts.fps, seed: 2 });
  const detector = new OnnxDetector({ modelPath: fixtureModel(opts.model), threads: 1 });
  const actuator = new SimActuator(outputListSchema.parse([{ name: 'relay', line: 17 }]), { clock: systemClock, logger: silentLogger });
  await actuator.start();
  await detector.start();
  const pipeline = new Pipeline({
    source,
    detector: opts.wrap === undefined ? detector : opts.wrap(detector),
    actuator,
    rules: compileRules(parseRules(opts.rules)),
    clock: systemClock,
    timers: systemTimers,
    logger: silentLogger,
    ...(opts.listeners === undefined ? {} : { listeners: opts.listeners }),
  });
  await pipeline.start();
  return {
    pipeline,
    source,
    actuator,
    async stop() {
      await pipeline.stop();
      await detector.stop();
      await actuator.stop();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
