/**
 * The `retrain` section of the cloud service's config: which fleets the closed loop watches, how it labels,
 * trains, judges and rolls out. A fleet is a device group plus, optionally, its canary group (devices that get
 * a new model first).
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../protocol/index.ts';
import { driftPolicySchema } from './drift-policy.ts';

const id = z.string().regex(ID_PATTERN, 'letters, digits, "_", "." or "-", at most 64');

export const labellerSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('imported'), dir: z.string().min(1).describe('Folder of YOLO (<device>/<sample>.txt) or COCO (*.json) label files') }),
    z.strictObject({
      kind: z.literal('teacher'),
      model: z.string().min(1).describe('A larger ONNX detector run in the cloud with the devices\' detector code'),
      minScore: z.number().min(0).max(1).default(0.5).describe('Its detections at or above this score become labels'),
    }),
    z.strictObject({ kind: z.literal('synthetic-truth').describe('The simulated scene\'s ground truth (the synthetic camera only; it stands in for a human labeller)') }),
  ])
  .describe('Where the labels of a retraining data set come from');

export const fleetSchema = z.strictObject({
  group: id.describe('The device group that gets a new model last'),
  canaryGroup: id.optional().describe('Devices that get a new model first and prove it during probation'),
  drift: driftPolicySchema.prefault({}),
  labeller: labellerSchema.prefault({ kind: 'synthetic-truth' }),
  training: z
    .strictObject({
      samplesWindowS: z.number().positive().default(1800).describe('How far before the drift the job looks for samples of the scene as it was (the original-share part)'),
      minSamples: z.number().int().min(2).default(100).describe('Samples from after the drift the job waits for before training'),
      collectTimeoutS: z.number().positive().default(1800).describe('Longest the job waits for minSamples; then it fails and the fleet waits for its cooldown'),
      originalShare: z.number().min(0).max(0.9).default(0.4).describe('Share of the training set taken from before the drift, so the model keeps what it knew'),
      maxSamples: z.number().int().min(2).default(1000).describe('At most this many samples, newest first'),
      heldOut: z.number().min(0.05).max(0.5).default(0.2).describe('Share of the samples kept out of training for the gate'),
      epochs: z.number().int().min(1).default(6),
      lr: z.number().positive().default(0.0005),
      batch: z.number().int().min(2).default(16),
      threads: z.number().int().min(1).default(1).describe('Trainer threads (a job must not starve the service)'),
      calibImages: z.number().int().min(8).default(100).describe('Frames used to calibrate the int8 export'),
      extraArgs: z.array(z.string()).default([]).describe('More arguments for the trainer\'s train command'),
    })
    .prefault({}),
  gate: z
    .strictObject({
      minGain: z.number().min(0).default(0.02).describe('The candidate\'s mAP@0.5 on the held-out new data must beat the current model\'s by this much'),
      maxOriginalLoss: z.number().min(0).default(0.02).describe('... and may lose at most this much mAP@0.5 on the original test set'),
      originalData: z.string().min(1).optional().describe('data.yaml of the original test set (its val split); unset: the loss check is skipped and the job says so'),
    })
    .prefault({}),
  rollout: z
    .strictObject({
      probationS: z.number().positive().default(300).describe('How long the canary runs the new model before the fleet gets it'),
      maxFpsDrop: z.number().min(0).max(1).default(0.3).describe('Canary fps falling more than this (relative) rolls back'),
      maxLatencyRise: z.number().min(0).default(0.5).describe('Canary p95 inference rising more than this (relative) rolls back'),
      maxConfidenceDrop: z.number().min(0).max(1).default(0.1).describe('Canary mean confidence falling more than this (relative) rolls back'),
      manifestTtlS: z.number().positive().default(30 * 86_400).describe('Manifests expire after this long'),
    })
    .prefault({}),
});

export const retrainSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Watch the fleets for drift and retrain automatically'),
    checkEveryS: z.number().positive().default(60).describe('How often each fleet is checked'),
    trainerCommand: z.array(z.string().min(1)).min(1).default(['/usr/bin/python3', '-m', 'scripts.trainer']).describe('The trainer, as a command (a local process here; any batch runner that takes the same arguments)'),
    trainerCwd: z.string().min(1).optional().describe('Working folder of the trainer command; default: the Lookout installation'),
    baseModel: z.string().min(1).optional().describe('The model the fleets run before any retraining (its file); default: the bundled model'),
    publicUrl: z.url().optional().describe('Base URL devices download models from (this service\'s dashboard address as devices see it)'),
    signingKey: z.string().min(1).optional().describe('ed25519 private key (PEM) that signs manifests; made by `lookout keys generate`'),
    keyId: z.string().min(1).max(64).default('lookout-cloud').describe('Key id devices know the public key by'),
    fleets: z.array(fleetSchema).default([]),
  })
  .prefault({})
  .describe('The closed loop: drift -> retraining -> signed rollout');

export type FleetConfig = z.infer<typeof fleetSchema>;
export type RetrainConfig = z.infer<typeof retrainSchema>;
export type LabellerConfig = z.infer<typeof labellerSchema>;
