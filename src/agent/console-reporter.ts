/**
 * Pipeline listeners that tell a person what the agent is doing: each rule firing or clearing with the
 * detections and glass-to-GPIO latency, and a summary line every few seconds. Never a line per frame.
 */
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import type { Pipeline, PipelineListeners } from './pipeline.ts';
import type { RuleEvent } from './rules/index.ts';

export interface ConsoleReporter extends PipelineListeners {
  /** Logs the summary line if `intervalMs` has passed since the last one; call it from a timer. */
  summary(pipeline: Pipeline): void;
}

export function createConsoleReporter(logger: Logger, clock: Clock): ConsoleReporter {
  let last = clock.monoMs();
  let lastProcessed = 0;
  let lastIn = 0;
  return {
    onRuleEvent(event: RuleEvent, glassToGpioMs: number | null): void {
      const what = event.detections.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ');
      if (event.kind === 'fired') {
        logger.info({ module: 'rules', rule: event.rule, output: event.output, glassToGpioMs: glassToGpioMs === null ? undefined : Number(glassToGpioMs.toFixed(1)) },
          `FIRED ${event.rule}: ${what} → ${event.output} on`);
      } else {
        logger.info({ module: 'rules', rule: event.rule, output: event.output, reason: event.reason }, `cleared ${event.rule} (${event.reason})`);
      }
    },
    summary(pipeline: Pipeline): void {
      const now = clock.monoMs();
      const seconds = (now - last) / 1000;
      const c = pipeline.counters;
      const inf = pipeline.inference.percentiles();
      const g2g = pipeline.glassToGpio.percentiles();
      logger.info(
        {
          module: 'stats',
          cameraFps: Number(((c.framesIn - lastIn) / seconds).toFixed(1)),
          detectFps: Number(((c.processed - lastProcessed) / seconds).toFixed(1)),
          dropped: c.dropped,
          inferenceP50Ms: Number(inf.p50.toFixed(1)),
          glassToGpioP50Ms: g2g.count === 0 ? undefined : Number(g2g.p50.toFixed(1)),
          outputs: Object.entries(pipeline.outputs).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(' '),
        },
        'running',
      );
      last = now;
      lastIn = c.framesIn;
      lastProcessed = c.processed;
    },
  };
}
