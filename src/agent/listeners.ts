/**
 * Fans pipeline callbacks out to several listener sets (console, telemetry). Each set is contained on its own:
 * a throwing telemetry listener neither stops the console's nor reaches the actuator loop.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { PipelineListeners } from './pipeline.ts';

export function combineListeners(logger: Logger, ...sets: readonly (PipelineListeners | undefined)[]): PipelineListeners {
  const list = sets.filter((s): s is PipelineListeners => s !== undefined);
  let failures = 0;
  const each = (name: keyof PipelineListeners, call: (l: PipelineListeners) => void): void => {
    for (const l of list) {
      try {
        call(l);
      } catch (e) {
        failures++;
        // 1st, 2nd, 4th, 8th... failure: a listener broken on every frame must not log every frame.
        if ((failures & (failures - 1)) === 0) logger.error({ listener: name, err: errorMessage(e), failures }, 'listener threw');
      }
    }
  };
  return {
    onResult: (result, frame) => {
      each('onResult', (l) => l.onResult?.(result, frame));
    },
    onRuleEvent: (event, latency) => {
      each('onRuleEvent', (l) => l.onRuleEvent?.(event, latency));
    },
    onActuation: (actuation) => {
      each('onActuation', (l) => l.onActuation?.(actuation));
    },
    onDetectError: (error) => {
      each('onDetectError', (l) => l.onDetectError?.(error));
    },
  };
}
