/**
 * When a deployed model counts as drifted on its fleet's scenes: declared per fleet in the service's config.
 * The baseline is the first `baselineS` of stats the model version produced in the fleet's groups (its first
 * hours in the field, when it was known good); the recent window is the last `windowS`. A class needs
 * `minDetections` in both windows to be judged at all, so a quiet scene triggers nothing.
 */
import { z } from 'zod';

export const driftPolicySchema = z.strictObject({
  windowS: z.number().positive().default(600).describe('Recent window compared against the baseline (seconds)'),
  baselineS: z.number().positive().default(600).describe('Length of the baseline: the first seconds of stats of the model version'),
  minDetections: z.number().int().min(1).default(100).describe('Detections of a class needed in each window before its figures count'),
  confidenceDrop: z.number().min(0).max(1).default(0.15).describe('Relative fall of a class\'s mean confidence that triggers (0.15: 15 % lower than the baseline)'),
  uncertainBelow: z.number().min(0.1).max(1).multipleOf(0.1).default(0.5).describe('Scores below this count as uncertain (a multiple of 0.1: the histograms have 10 bins)'),
  maxUncertainShare: z.number().min(0).max(1).default(0.5).describe('Share of uncertain detections that triggers, when the baseline was below it'),
  minRateRatio: z.number().min(0).max(1).default(0.4).describe('Detections per second of a class falling below this fraction of the baseline\'s triggers (objects no longer found at all); 0 disables'),
  mapFloor: z.number().min(0).max(1).default(0.5).describe('mAP@0.5 on labelled recent samples below this triggers'),
  minLabelled: z.number().int().min(1).default(30).describe('Labelled recent samples needed before their mAP counts'),
  cooldownS: z.number().min(0).default(3600).describe('Least seconds between two retraining jobs of one fleet'),
});

export type DriftPolicy = z.infer<typeof driftPolicySchema>;
