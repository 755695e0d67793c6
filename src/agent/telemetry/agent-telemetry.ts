/**
 * The agent's telemetry, composed: outbox (durable, prioritised) → MQTT link; stats every interval; chosen
 * samples; rule events as `alarm`/`event` records; the retained `state`; remote commands. It only listens to
 * the pipeline (a failure here never reaches the actuator loop) and is built by the composition root.
 */
import { randomUUID } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import type { Logger } from '../../log.ts';
import type { Config } from '../../config/schema.ts';
import { deviceTopic, groupModelTopic, updateSchema, type EventPayload, type ModelRef, type StatePayload, type UpdatePayload } from '../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { Timers } from '../../util/timers.ts';
import type { FrameSource } from '../camera/frame-source.ts';
import type { DetectorInfo, Detection } from '../detect/types.ts';
import type { Pipeline, PipelineListeners } from '../pipeline.ts';
import type { RuleEvent } from '../rules/index.ts';
import { Outbox } from './outbox/outbox.ts';
import type { Priority } from './outbox/types.ts';
import { TelemetryLink } from './link/telemetry-link.ts';
import type { CommandHandlers } from './link/command-dispatcher.ts';
import { StatsCollector } from './stats/stats-collector.ts';
import { Sampler } from './samples/sampler.ts';
import type { SyntheticTruthBox } from './samples/sample-payload.ts';

export interface AgentTelemetryDeps {
  readonly config: Config & { mqtt: NonNullable<Config['mqtt']> };
  readonly logger: Logger;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly agentVersion: string;
  /** Remote commands the agent supports beyond ping and get-config. */
  readonly commands: CommandHandlers;
  /** The synthetic camera's ground truth of a frame, where the camera is synthetic. */
  readonly syntheticTruth?: (seq: number) => readonly SyntheticTruthBox[] | undefined;
  readonly domain?: () => Readonly<Record<string, string>> | undefined;
  /** Messages on the group's model topic (`lookout/v1/group/{group}/model`); subscribed only when given. */
  readonly onModelManifest?: (payload: Buffer) => void;
}

/** What the running agent lends telemetry once it has started. */
export interface RunningParts {
  readonly pipeline: Pipeline;
  readonly source: FrameSource;
  readonly detector: DetectorInfo;
  /** The running model as status and stats name it; default: from the detector's file name and metadata. */
  readonly model?: ModelRef;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function modelRef(info: DetectorInfo): ModelRef {
  const version = Number.parseInt(info.model.version, 10);
  return { name: basename(info.model.path, extname(info.model.path)), version: Number.isFinite(version) && version >= 0 ? version : 0 };
}

function detectionsPayload(ds: readonly Detection[]): EventPayload['detections'] {
  return ds.slice(0, 300).map((d) => ({ label: d.label, score: round(d.score, 4), box: [round(d.box[0], 1), round(d.box[1], 1), round(d.box[2], 1), round(d.box[3], 1)] }));
}

/** The config without secrets, for `get-config`. */
export function redactedConfig(config: Config): unknown {
  const copy = structuredClone<Config>(config);
  if (copy.mqtt?.password !== undefined) copy.mqtt.password = '***';
  return copy;
}

export class AgentTelemetry {
  private readonly deps: AgentTelemetryDeps;
  private readonly encoder = new TextEncoder();
  private outbox: Outbox | undefined;
  private link: TelemetryLink | undefined;
  private stats: StatsCollector | undefined;
  private sampler: Sampler | undefined;
  private parts: RunningParts | undefined;
  private model: ModelRef = { name: 'unknown', version: 0 };
  private provider = 'unknown';
  private readonly priorities: ReadonlyMap<string, Priority>;

  constructor(deps: AgentTelemetryDeps) {
    this.deps = deps;
    this.priorities = new Map(deps.config.rules.map((r) => [r.name, r.priority]));
  }

  /** Opens the outbox (recovering what a previous run left) and starts connecting. Before the pipeline runs. */
  async open(): Promise<void> {
    const { config, logger, clock } = this.deps;
    this.outbox = new Outbox(
      { dir: join(config.stateDir, 'outbox'), maxBytes: config.telemetry.outbox.maxBytes, flushMs: config.telemetry.outbox.flushMs },
      { clock, logger: logger.child({ module: 'outbox' }) },
    );
    await this.outbox.open();
  }

  /** Wires the running agent in: link, stats timer, sampler. */
  async start(parts: RunningParts): Promise<void> {
    const { config, logger, clock, timers } = this.deps;
    const outbox = this.outbox;
    if (outbox === undefined) throw new Error('AgentTelemetry.open() must run first');
    this.parts = parts;
    const deviceId = config.device.id;
    this.model = parts.model ?? modelRef(parts.detector);
    this.provider = parts.detector.provider;
    const onModelManifest = this.deps.onModelManifest;
    this.link = new TelemetryLink({
      config: config.mqtt,
      deviceId,
      outbox,
      status: () => ({
        group: config.device.group,
        agentVersion: this.deps.agentVersion,
        model: this.model,
        provider: this.provider,
        camera: { backend: config.camera.source, ok: true },
      }),
      ...(onModelManifest === undefined
        ? {}
        : { subscriptions: [{ topic: groupModelTopic(config.device.group), purpose: 'model manifests', onMessage: onModelManifest }] }),
      commands: {
        ping: () => ({ pong: true, ts: clock.wallMs() }),
        'get-config': () => redactedConfig(config),
        ...this.deps.commands,
        'capture-sample': () => ({ sampleId: this.sampler?.captureNext() }),
      },
      discovery: () => ({ model: 'Lookout agent', swVersion: this.deps.agentVersion, rules: config.rules.map((r) => r.name), statsIntervalS: config.telemetry.statsIntervalS }),
      logger: logger.child({ module: 'mqtt' }),
      clock,
      timers,
    });
    this.stats = new StatsCollector({
      deviceId,
      intervalS: config.telemetry.statsIntervalS,
      clock,
      timers,
      logger: logger.child({ module: 'stats' }),
      pipeline: () => parts.pipeline.counters,
      source: () => parts.source.stats,
      detector: () => ({ provider: this.provider, model: this.model }),
      outbox: () => outbox.stats,
      labels: parts.detector.model.labels,
    });
    this.sampler = new Sampler({
      deviceId,
      config: config.telemetry.samples,
      clock,
      model: () => this.model,
      publish: (_payload, json) => {
        this.enqueue('sample', 'samples', json);
      },
      ...(this.deps.syntheticTruth === undefined ? {} : { syntheticTruth: this.deps.syntheticTruth }),
      ...(this.deps.domain === undefined ? {} : { domain: this.deps.domain }),
      logger: logger.child({ module: 'samples' }),
    });
    await this.link.start();
    await this.stats.start((payload) => {
      this.enqueue('stat', 'stats', JSON.stringify(payload));
    });
    this.publishState();
  }

  /** The pipeline listeners that feed telemetry. */
  listeners(): PipelineListeners {
    return {
      onResult: (result, frame) => {
        this.stats?.onResult(result);
        this.sampler?.onResult(result, frame);
      },
      onRuleEvent: (event, glassToGpioMs) => {
        this.onRuleEvent(event, glassToGpioMs);
      },
    };
  }

  /** The rules changed outside a frame (a remote enable/disable): publish the new state. */
  publishState(): void {
    const parts = this.parts;
    if (parts === undefined || this.link === undefined) return;
    const state: StatePayload = {
      v: 1,
      deviceId: this.deps.config.device.id,
      ts: this.deps.clock.wallMs(),
      rules: parts.pipeline.ruleStates(),
      outputs: { ...parts.pipeline.outputs },
    };
    this.link.publishState(state);
  }

  /** A model update was committed: status (republished now), stats and samples name the new model. */
  modelChanged(detector: DetectorInfo, model: ModelRef): void {
    this.model = model;
    this.provider = detector.provider;
    this.link?.refreshStatus();
  }

  /** A model update's progress, on `lookout/v1/dev/{id}/update` (through the outbox, like events). */
  publishUpdate(payload: UpdatePayload): void {
    const checked = updateSchema.safeParse(payload);
    if (!checked.success) {
      this.deps.logger.error({ err: checked.error.issues[0]?.message, path: checked.error.issues[0]?.path.join('.') }, 'update message does not match its schema; not sent');
      return;
    }
    this.enqueue('event', 'update', JSON.stringify(checked.data));
  }

  setDegraded(reason: string | undefined): void {
    this.link?.setStatus(reason === undefined ? 'online' : 'degraded', reason);
  }

  get outboxStats(): Outbox['stats'] | undefined {
    return this.outbox?.stats;
  }

  get linkMetrics(): ReturnType<TelemetryLink['metrics']> | undefined {
    return this.link?.metrics();
  }

  /** Stops stats and samples, says `offline` and disconnects, then flushes and closes the outbox. */
  async stop(): Promise<void> {
    await this.stats?.stop();
    await this.sampler?.stop();
    await this.link?.stop();
    await this.outbox?.close();
  }

  private onRuleEvent(event: RuleEvent, glassToGpioMs: number | null): void {
    const sampleId = event.kind === 'fired' ? this.sampler?.ruleFired() : undefined;
    const source = this.parts?.source;
    const payload: EventPayload = {
      v: 1,
      deviceId: this.deps.config.device.id,
      id: randomUUID(),
      ts: Math.round(event.wallMs),
      kind: event.kind,
      priority: this.priorities.get(event.rule) === 'alarm' ? 'alarm' : 'event',
      rule: event.rule,
      output: event.output,
      ...(event.kind === 'cleared' ? { reason: event.reason } : {}),
      detections: detectionsPayload(event.detections),
      ...(source === undefined ? {} : { frame: { width: source.width, height: source.height } }),
      ...(glassToGpioMs === null ? {} : { glassToGpioMs: round(glassToGpioMs, 2) }),
      ...(sampleId === undefined ? {} : { sampleId }),
    };
    this.enqueue(payload.priority, 'events', JSON.stringify(payload));
    this.publishState();
  }

  private enqueue(priority: Priority, channel: 'events' | 'stats' | 'samples' | 'update', json: string): void {
    this.outbox?.enqueue(priority, deviceTopic(this.deps.config.device.id, channel), this.encoder.encode(json));
  }
}
