/** The GPIO actuators' public surface: the port, the config schema and the three backends. */
export { levelFor, type Actuator, type ActuatorDeps, type Level } from './actuator.ts';
export { GpiodActuator, type GpiodActuatorDeps } from './gpiod-actuator.ts';
export { DEFAULT_TOOL_PATHS, type GpiodToolPaths } from './gpiod-probe.ts';
export { PI_HEADER_CHIP_LABELS, type GpioChipInfo, type GpioLineInfo } from './line-resolver.ts';
export { outputListSchema, outputSchema, type OutputConfig, type OutputConfigInput } from './schema.ts';
export { SimActuator, type SimActuatorDeps, type SimTransition } from './sim-actuator.ts';
export { SysfsActuator, type SysfsActuatorDeps } from './sysfs-actuator.ts';
export type { SpawnFn, SpawnSyncFn } from './tool-process.ts';
