/**
 * The embedded default: a synthetic street camera, the bundled model, simulated relays. What `lookout demo`
 * runs with no camera, GPIO or cloud. A person in the lower two thirds of the frame sounds the siren; a car
 * anywhere lights the lamp; a dog triggers nothing (class rules at work).
 */
import type { ConfigInput } from '../config/schema.ts';

export const demoConfig: ConfigInput = {
  device: { id: 'demo-1', group: 'demo' },
  camera: { source: 'synthetic', width: 640, height: 480, fps: 10, seed: 42 },
  detector: { model: 'models/lookout-int8.onnx', providers: ['cpu'] },
  gpio: {
    backend: 'sim',
    outputs: [
      { name: 'siren', line: 'GPIO17', chip: 'auto', activeLow: true, initial: 'off', safe: 'off' },
      { name: 'lamp', line: 'GPIO27', chip: 'auto', activeLow: false, initial: 'off', safe: 'off' },
    ],
  },
  rules: [
    {
      name: 'person-in-yard',
      classes: ['person'],
      minScore: 0.5,
      zones: [[[0, 0.33], [1, 0.33], [1, 1], [0, 1]]],
      framesToFire: 2,
      holdMs: 1500,
      cooldownMs: 0,
      maxOnMs: 30_000,
      output: 'siren',
      priority: 'alarm',
    },
    { name: 'car-arrives', classes: ['car'], minScore: 0.5, framesToFire: 2, holdMs: 2000, maxOnMs: 60_000, output: 'lamp' },
  ],
  log: { level: 'info', format: 'pretty' },
};
