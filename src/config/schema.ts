/**
 * The agent's configuration: this zod schema is the single source of truth. The TypeScript type is inferred
 * from it, it supplies every default, and docs/config.md is generated from it (`lookout config-doc`).
 */
import { z } from 'zod';
import { ID_PATTERN } from '../protocol/topics.ts';
import { outputListSchema } from '../agent/gpio/schema.ts';
import { ruleListSchema, timeZoneSchema } from '../agent/rules/schema.ts';
import { cameraSchema } from './camera-schema.ts';
import { linkConfigSchema } from '../agent/telemetry/link/schema.ts';
import { statsIntervalSchema } from '../agent/telemetry/stats/schema.ts';
import { samplesConfigSchema } from '../agent/telemetry/samples/schema.ts';
import { updateConfigSchema } from '../agent/update/schema.ts';

export const detectorSchema = z
  .strictObject({
    model: z.string().min(1).default('models/lookout-int8.onnx').describe('ONNX model; a relative path is taken from the install folder'),
    labels: z.string().optional().describe('Labels file (one name per line) when the model has no `names` metadata'),
    providers: z
      .array(z.enum(['tensorrt', 'cuda', 'webgpu', 'cpu']))
      .min(1)
      .default(['cpu'])
      .describe('Execution providers in order of preference; each is tried alone, cpu last'),
    threads: z.number().int().min(0).max(64).default(0).describe('onnxruntime intra-op threads; 0 = every core but one (the event loop keeps a core)'),
    conf: z.number().min(0).max(1).default(0.25).describe('Minimum class score for a detection'),
    iou: z.number().min(0).max(1).default(0.7).describe('NMS IoU threshold'),
  })
  .describe('The object detector');

export const gpioSchema = z
  .strictObject({
    backend: z.enum(['sim', 'gpiod', 'sysfs']).default('sim').describe('sim (prints and records), gpiod (libgpiod tools), sysfs (legacy kernels)'),
    simFile: z.string().optional().describe('sim: append every transition as a JSON line to this file'),
    outputs: outputListSchema.default([]),
  })
  .describe('GPIO outputs');

export const telemetrySchema = z
  .strictObject({
    statsIntervalS: statsIntervalSchema,
    outbox: z
      .strictObject({
        maxBytes: z.number().int().min(64 * 1024).default(32 * 1024 * 1024).describe('Disk the outbox may hold; past it samples, then stats, then events are dropped (alarms last)'),
        flushMs: z.number().int().min(10).max(10_000).default(250).describe('Group-commit interval: one write + fdatasync per batch (alarms are written at once)'),
      })
      .prefault({})
      .describe('The durable outbox (in stateDir/outbox)'),
    samples: samplesConfigSchema.prefault({}),
  })
  .prefault({})
  .describe('What the device reports over MQTT');

/** Shared with the cloud service's config. */
export const logSchema = z
  .strictObject({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Log level'),
    format: z.enum(['json', 'pretty']).default('json').describe('json for journald and shippers, pretty for a terminal'),
  })
  .prefault({})
  .describe('Logging');

export const configSchema = z
  .strictObject({
    device: z
      .strictObject({
        id: z.string().regex(ID_PATTERN, 'letters, digits, "_", "." or "-", at most 64').default('lookout-dev').describe('Device id (MQTT topics, dashboard)'),
        group: z.string().regex(ID_PATTERN).default('default').describe('Device group (model rollout)'),
      })
      .prefault({})
      .describe('This device'),
    camera: cameraSchema.prefault({ source: 'synthetic' }),
    detector: detectorSchema.prefault({}),
    gpio: gpioSchema.prefault({}),
    rules: ruleListSchema.default([]),
    stateDir: z.string().min(1).default('/var/lib/lookout').describe('Writable folder for the outbox and downloaded models'),
    mqtt: linkConfigSchema.optional().describe('The cloud MQTT broker; leave out to run without telemetry'),
    telemetry: telemetrySchema,
    update: updateConfigSchema,
    timeZone: timeZoneSchema.optional().describe('IANA time zone for rule schedules; default: the system\'s'),
    log: logSchema,
  })
  .superRefine((config, ctx) => {
    // A rule that drives an output nobody declared would silently do nothing: refuse it here.
    const outputs = new Set(config.gpio.outputs.map((o) => o.name));
    config.rules.forEach((rule, i) => {
      if (!outputs.has(rule.output)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'output'], message: `no output named "${rule.output}" in gpio.outputs` });
      }
    });
    // Manifests arrive over MQTT: without a broker an enabled updater would wait for nothing.
    if (config.update.enabled === true && config.mqtt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['update', 'enabled'], message: 'model updates need the `mqtt` section' });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
