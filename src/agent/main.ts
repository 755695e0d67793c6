/**
 * The agent's composition root: the one place that builds concrete adapters from the validated config and
 * owns the process's exit paths. Start order: outputs (claimed at their initial level) → detector → camera;
 * stop order is the reverse, and every path out of the process leaves every output at its safe level.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Config } from '../config/schema.ts';
import { systemClock, type Clock } from './clock.ts';
import { captureDeps } from './camera/capture-deps.ts';
import { systemTimers, type TimerHandle, type Timers } from '../util/timers.ts';
import type { FrameSource } from './camera/frame-source.ts';
import { SyntheticSource } from './camera/synthetic-source.ts';
import { OnnxDetector, type OnnxDetectorOptions } from './detect/onnx-detector.ts';
import { projectRoot } from './detect/runtime-paths.ts';
import type { Detector, DetectorInfo } from './detect/types.ts';
import type { Actuator } from './gpio/actuator.ts';
import { compileRules } from './rules/index.ts';
import { Pipeline, type PipelineListeners } from './pipeline.ts';
import { combineListeners } from './listeners.ts';
import type { AgentTelemetry } from './telemetry/agent-telemetry.ts';
import type { CommandHandlers } from './telemetry/link/command-dispatcher.ts';
import { LookoutError } from '../errors.ts';
import { updateEnabled } from './update/schema.ts';
import type { ModelUpdater } from './update/model-updater.ts';
import type { InstalledModel, ModelStore } from './update/model-store.ts';

/** After the camera is lost, how long to wait before trying it again. */
const LOST_RETRY_MS = 30_000;

export interface AgentOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly listeners?: PipelineListeners;
  /** Reported in the retained status. */
  readonly agentVersion?: string;
}

/**
 * onnxruntime intra-op threads for `detector.threads: 0`: every core but one, so the event loop (camera,
 * rules, GPIO writes) always has a core and never waits behind inference threads for the scheduler.
 */
export function detectorThreads(configured: number, cores = availableParallelism()): number {
  return configured > 0 ? configured : Math.max(1, cores - 1);
}

export function resolveFromRoot(path: string): string {
  return isAbsolute(path) ? path : join(projectRoot(), path);
}

export async function createSource(config: Config, logger: Logger, clock: Clock, timers: Timers, env?: NodeJS.ProcessEnv): Promise<FrameSource> {
  const c = config.camera;
  const settings = { stallMs: c.stallMs, maxRestarts: c.maxRestarts };
  const deps = captureDeps({ clock, timers, logger, env });
  switch (c.source) {
    case 'synthetic':
      return new SyntheticSource(
        { width: c.width, height: c.height, fps: c.fps, seed: c.seed, domain: { lighting: c.lighting, background: c.background, appearance: c.appearance } },
        { clock, timers, logger },
      );
    case 'libcamera': {
      const { createFrameSource } = await import('./camera/create-frame-source.ts');
      return createFrameSource({ kind: 'libcamera', width: c.width, height: c.height, fps: c.fps, camera: c.camera, isp: c.isp, extraArgs: c.extraArgs, settings }, deps);
    }
    case 'v4l2': {
      const { createFrameSource } = await import('./camera/create-frame-source.ts');
      return createFrameSource({ kind: 'v4l2', width: c.width, height: c.height, fps: c.fps, device: c.device, ...(c.inputFormat === undefined ? {} : { inputFormat: c.inputFormat }), settings }, deps);
    }
    case 'gstreamer': {
      const { createFrameSource } = await import('./camera/create-frame-source.ts');
      return createFrameSource({ kind: 'gstreamer', width: c.width, height: c.height, fps: c.fps, sensorId: c.sensorId, ...(c.flipMethod === undefined ? {} : { flipMethod: c.flipMethod }), settings }, deps);
    }
    case 'file': {
      const { createFrameSource } = await import('./camera/create-frame-source.ts');
      return createFrameSource({ kind: 'file', width: c.width, height: c.height, path: c.path, rate: c.rate, loop: c.loop, settings }, deps);
    }
  }
}

export async function createActuator(config: Config, logger: Logger, clock: Clock): Promise<Actuator> {
  const g = config.gpio;
  const deps = { clock, logger: logger.child({ module: 'gpio' }) };
  switch (g.backend) {
    case 'sim': {
      const { SimActuator } = await import('./gpio/sim-actuator.ts');
      return new SimActuator(g.outputs, { ...deps, ...(g.simFile === undefined ? {} : { journalPath: g.simFile }) });
    }
    case 'gpiod': {
      const { GpiodActuator } = await import('./gpio/gpiod-actuator.ts');
      return new GpiodActuator(g.outputs, deps);
    }
    case 'sysfs': {
      const { SysfsActuator } = await import('./gpio/sysfs-actuator.ts');
      return new SysfsActuator(g.outputs, deps);
    }
  }
}

/** A running agent. `stop()` is safe to call twice and from any exit path. */
export class Agent {
  private readonly options: AgentOptions;
  private source: FrameSource | undefined;
  private detector: Detector | undefined;
  private actuator: Actuator | undefined;
  private pipeline: Pipeline | undefined;
  private stopping: Promise<void> | undefined;
  private info: DetectorInfo | undefined;
  private lostRetry: TimerHandle | undefined;
  private telemetry: AgentTelemetry | undefined;
  private updater: ModelUpdater | undefined;
  /** The running model, when model updates are on (name, version and sha256 for status and stats). */
  private model: InstalledModel | undefined;
  private timers: Timers = systemTimers;

  constructor(options: AgentOptions) {
    this.options = options;
  }

  get detectorInfo(): DetectorInfo | undefined {
    return this.info;
  }

  get frameSource(): FrameSource | undefined {
    return this.source;
  }

  get runningPipeline(): Pipeline | undefined {
    return this.pipeline;
  }

  /** The running model as installed (path, version, sha256), when model updates are on. */
  get runningModel(): InstalledModel | undefined {
    return this.model;
  }

  async start(): Promise<void> {
    const { config, logger } = this.options;
    const clock = this.options.clock ?? systemClock;
    const timers = (this.timers = this.options.timers ?? systemTimers);
    const timeZone = config.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const rules = compileRules(config.rules, { timeZone });

    // Outputs first: from here on every exit path drives them safe.
    this.actuator = await createActuator(config, logger, clock);
    await this.actuator.start();

    const detectorOptions: OnnxDetectorOptions = {
      modelPath: resolveFromRoot(config.detector.model),
      labelsPath: config.detector.labels === undefined ? undefined : resolveFromRoot(config.detector.labels),
      providers: config.detector.providers,
      threads: detectorThreads(config.detector.threads),
      conf: config.detector.conf,
      iou: config.detector.iou,
    };
    const detectLogger = logger.child({ module: 'detect' });
    const createDetector = (options: OnnxDetectorOptions): OnnxDetector => new OnnxDetector(options, { logger: detectLogger });
    const updates = config.mqtt !== undefined && updateEnabled(config);
    let store: ModelStore | undefined;
    if (updates) {
      // With updates on, the committed model (stateDir/models/active.json) runs, else the configured one.
      const { ModelStore } = await import('./update/model-store.ts');
      const { startActiveModel } = await import('./update/startup-model.ts');
      store = new ModelStore(config.stateDir, logger.child({ module: 'update' }));
      const started = await startActiveModel({ store, base: detectorOptions, create: createDetector, logger: logger.child({ module: 'update' }) });
      this.detector = started.detector;
      this.info = started.info;
      this.model = started.model;
    } else {
      const detector = createDetector(detectorOptions);
      this.detector = detector;
      this.info = await detector.start();
    }
    logger.info({ module: 'detect', provider: this.info.provider, attempts: this.info.attempts, model: this.info.model.path, labels: this.info.model.labels },
      `detector running on ${this.info.provider}`);

    this.source = await createSource(config, logger.child({ module: 'camera' }), clock, timers);
    const source = this.source;
    if (config.mqtt !== undefined) {
      const { AgentTelemetry } = await import('./telemetry/agent-telemetry.ts');
      this.telemetry = new AgentTelemetry({
        config: { ...config, mqtt: config.mqtt },
        logger,
        clock,
        timers,
        agentVersion: this.options.agentVersion ?? 'dev',
        commands: this.commandHandlers(),
        ...(updates ? { onModelManifest: (payload: Buffer) => this.updater?.offer(payload) } : {}),
        ...(source instanceof SyntheticSource
          ? {
              syntheticTruth: (seq: number) => source.groundTruth(seq)?.map((o) => ({ label: o.label, box: o.box })),
              domain: () => (source.domain === undefined ? undefined : { ...source.domain }),
            }
          : {}),
      });
      await this.telemetry.open();
    }
    if (store !== undefined) await this.startUpdater(store, detectorOptions, createDetector, clock, timers);
    this.pipeline = new Pipeline({
      source: this.source,
      detector: this.detector,
      actuator: this.actuator,
      rules,
      clock,
      timers,
      logger: logger.child({ module: 'pipeline' }),
      listeners: combineListeners(logger.child({ module: 'pipeline' }), this.options.listeners, this.telemetry?.listeners(), this.updater?.listeners()),
    });
    this.source.on('lost', (e) => {
      logger.error({ module: 'camera', reason: e.reason, restarts: e.restarts }, 'camera lost');
      if (config.camera.onLost === 'safe') {
        this.telemetry?.setDegraded('camera-lost');
        void this.pipeline?.forceSafe('camera-lost').catch((err: unknown) => {
          logger.error({ module: 'gpio', err: errorMessage(err) }, 'safe state after camera loss failed');
        });
      }
      // Keep trying, slowly: a camera unplugged and plugged back in must come back without a person.
      this.lostRetry = timers.setTimeout(() => {
        this.lostRetry = undefined;
        void this.source?.restart('retry after camera loss');
      }, LOST_RETRY_MS);
    });
    this.source.on('restarted', () => this.telemetry?.setDegraded(undefined));
    const model = this.model;
    await this.telemetry?.start({
      pipeline: this.pipeline,
      source: this.source,
      detector: this.info,
      ...(model === undefined ? {} : { model: { name: model.name, version: model.version, sha256: model.sha256 } }),
    });
    await this.pipeline.start();
    logger.info({ module: 'agent', camera: this.source.name, width: this.source.width, height: this.source.height }, 'agent started');
  }

  /** Stops the camera and the detector, then drives every output safe and releases the lines. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.lostRetry !== undefined) this.timers.clearTimeout(this.lostRetry);
      try {
        await this.pipeline?.stop();
        // After the pipeline (no frame reaches a candidate model any more), before telemetry (its last messages go out).
        await this.updater?.stop();
        await this.telemetry?.stop();
      } finally {
        try {
          await this.detector?.stop();
        } finally {
          await this.actuator?.stop();
        }
      }
    })();
    return this.stopping;
  }

  /** Reads the trusted keys (a bad key file stops the start) and builds the updater; before the pipeline, which feeds it. */
  private async startUpdater(store: ModelStore, detectorOptions: OnnxDetectorOptions, createDetector: (o: OnnxDetectorOptions) => OnnxDetector, clock: Clock, timers: Timers): Promise<void> {
    const { config, logger } = this.options;
    const { loadTrustedKeys } = await import('./update/trusted-keys.ts');
    const { ModelUpdater } = await import('./update/model-updater.ts');
    const trustedKeys = await loadTrustedKeys(config.update.trustedKeys, resolveFromRoot);
    const updateLogger = logger.child({ module: 'update' });
    if (trustedKeys.size === 0) updateLogger.info({}, 'update.trustedKeys is empty: every model manifest will be refused (UNKNOWN_KEY)');
    this.updater = new ModelUpdater({
      config: config.update,
      deviceId: config.device.id,
      store,
      trustedKeys,
      rules: config.rules,
      detectorOptions,
      createDetector,
      running: () => {
        const model = this.model;
        const info = this.info;
        if (model === undefined || info === undefined) throw new LookoutError('update', 'INTERNAL', 'no model is running');
        return { model, info };
      },
      swap: (next) => {
        const pipeline = this.pipeline;
        if (pipeline === undefined) throw new LookoutError('update', 'INTERNAL', 'the pipeline is not running');
        return pipeline.swapDetector(next);
      },
      adopt: (committed) => {
        this.detector = committed.detector;
        this.info = committed.info;
        this.model = committed.model;
        this.telemetry?.modelChanged(committed.info, { name: committed.model.name, version: committed.model.version, sha256: committed.model.sha256 });
      },
      publish: (payload) => {
        this.telemetry?.publishUpdate(payload);
      },
      clock,
      timers,
      logger: updateLogger,
    });
    await this.updater.start();
  }

  /** What remote commands can do to this agent (beyond ping, get-config and capture-sample). */
  private commandHandlers(): CommandHandlers {
    return {
      'set-rule-enabled': async (c) => {
        const pipeline = this.pipeline;
        if (pipeline === undefined) throw new LookoutError('cli', 'FAILED', 'the agent is not running');
        await pipeline.setRuleEnabled(c.rule, c.enabled);
        this.telemetry?.publishState();
        return { rule: c.rule, enabled: c.enabled };
      },
      'restart-camera': async () => {
        await this.source?.restart('remote command');
        return { restarted: true };
      },
      'set-domain': (c) => {
        const source = this.source;
        if (!(source instanceof SyntheticSource)) throw new LookoutError('camera', 'UNSUPPORTED', 'only the synthetic camera has a domain to shift');
        source.setDomain(c.domain);
        return { domain: source.domain };
      },
    };
  }

  /** Frames the pipeline has processed: the systemd watchdog is fed only while this grows. */
  progress(): number | undefined {
    return this.pipeline?.counters.processed;
  }

  /** For fatal paths where only synchronous code runs. */
  safeStateSync(): void {
    this.actuator?.safeStateSync();
  }
}
