/**
 * The agent's configuration: this zod schema is the single source of truth. The TypeScript type is inferred
 * from it, it supplies every default, and docs/config.md is generated from it (`lookout config-doc`).
 */
import { z } from 'zod';
import { ID_PATTERN } from '../protocol/topics.ts';
import { outputListSchema } from '../agent/gpio/schema.ts';
import { ruleListSchema, timeZoneSchema } from '../agent/rules/schema.ts';
import { cameraSchema } from './camera-schema.ts';

export const detectorSchema = z
  .strictObject({
    model: z.string().min(1).default('models/lookout-int8.onnx').describe('ONNX model; a relative path is taken from the install folder'),
    labels: z.string().optional().describe('Labels file (one name per line) when the model has no `names` metadata'),
    providers: z
      .array(z.enum(['tensorrt', 'cuda', 'webgpu', 'cpu']))
      .min(1)
      .default(['cpu'])
      .describe('Execution providers in order of preference; each is tried alone, cpu last'),
    threads: z.number().int().min(0).max(64).default(0).describe('onnxruntime intra-op threads; 0 = all cores'),
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
    timeZone: timeZoneSchema.optional().describe('IANA time zone for rule schedules; default: the system\'s'),
    log: z
      .strictObject({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Log level'),
        format: z.enum(['json', 'pretty']).default('json').describe('json for journald and shippers, pretty for a terminal'),
      })
      .prefault({})
      .describe('Logging'),
  })
  .superRefine((config, ctx) => {
    // A rule that drives an output nobody declared would silently do nothing: refuse it here.
    const outputs = new Set(config.gpio.outputs.map((o) => o.name));
    config.rules.forEach((rule, i) => {
      if (!outputs.has(rule.output)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'output'], message: `no output named "${rule.output}" in gpio.outputs` });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
