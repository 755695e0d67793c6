/**
 * Fans pipeline callbacks out to several listener sets (console, telemetry). Each set is contained on its own:
 * a throwing telemetry listener neither stops the console's nor reaches the actuator loop. Runs per frame, so
 * it allocates nothing per call.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { PipelineListeners } from './pipeline.ts';

export function combineListeners(logger: Logger, ...sets: readonly (PipelineListeners | undefined)[]): PipelineListeners {
  const list = sets.filter((s): s is PipelineListeners => s !== undefined);
  let failures = 0;
  const failed = (name: keyof PipelineListeners, e: unknown): void => {
    failures++;
    // 1st, 2nd, 4th, 8th... failure: a listener broken on every frame must not log every frame.
    if ((failures & (failures - 1)) === 0) logger.error({ listener: name, err: errorMessage(e), failures }, 'listener threw');
  };
  return {
    onResult(result, frame) {
      for (const l of list) {
        try {
          l.onResult?.(result, frame);
        } catch (e) {
          failed('onResult', e);
        }
      }
    },
    onRuleEvent(event, latency) {
      for (const l of list) {
        try {
          l.onRuleEvent?.(event, latency);
        } catch (e) {
          failed('onRuleEvent', e);
        }
      }
    },
    onActuation(actuation) {
      for (const l of list) {
        try {
          l.onActuation?.(actuation);
        } catch (e) {
          failed('onActuation', e);
        }
      }
    },
    onDetectError(error) {
      for (const l of list) {
        try {
          l.onDetectError?.(error);
        } catch (e) {
          failed('onDetectError', e);
        }
      }
    },
  };
}
