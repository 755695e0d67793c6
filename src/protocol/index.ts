/** Protocol v1: every MQTT topic and payload schema, shared by the agent and the cloud service. */
import type { z } from 'zod';
import type { DeviceChannel } from './topics.ts';
import { statusSchema } from './status.ts';
import { stateSchema } from './state.ts';
import { statsSchema } from './stats.ts';
import { eventSchema } from './events.ts';
import { sampleSchema } from './samples.ts';
import { updateSchema } from './update.ts';
import { commandSchema, replySchema } from './commands.ts';

export * from './topics.ts';
export * from './common.ts';
export * from './status.ts';
export * from './state.ts';
export * from './stats.ts';
export * from './events.ts';
export * from './samples.ts';
export * from './update.ts';
export * from './commands.ts';
export * from './manifest.ts';
export * from './checked.ts';

/** The schema of each device channel: a topic without a schema cannot be published. */
export const channelSchemas = {
  status: statusSchema,
  state: stateSchema,
  stats: statsSchema,
  events: eventSchema,
  samples: sampleSchema,
  update: updateSchema,
  cmd: commandSchema,
  reply: replySchema,
} as const satisfies Record<DeviceChannel, z.ZodType>;
