/**
 * A real agent process for the fault tests: the composition root and the process runner exactly as
 * `lookout run` wires them, with a config given as JSON. It reports on stdout, one JSON line each, what a test
 * must see from outside: the first frame processed (with how many lines the GPIO journal held at that moment
 * and the model that processed it), every actuation, and every rule event. Logs go to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseConfig } from '../../../src/config/load.ts';
import { Agent } from '../../../src/agent/main.ts';
import { runUntilStopped } from '../../../src/agent/run-process.ts';
import { createLogger } from '../../../src/util/create-logger.ts';

const [configPath] = process.argv.slice(2);
if (configPath === undefined) throw new Error('usage: agent-child.ts CONFIG.json');
const config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')) as unknown, configPath);
const logger = createLogger({ level: config.log.level, format: 'json' });
const journalPath = config.gpio.simFile;

const say = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const journalLines = (): number =>
  journalPath === undefined || !existsSync(journalPath) ? 0 : readFileSync(journalPath, 'utf8').split('\n').filter((l) => l !== '').length;

let firstFrame = true;
const agent: Agent = new Agent({
  config,
  logger,
  listeners: {
    onResult(result) {
      if (!firstFrame) return;
      firstFrame = false;
      say({ ev: 'frame', seq: result.seq, journal: journalLines(), model: agent.runningModel ?? null, path: agent.detectorInfo?.model.path ?? null });
    },
    onActuation(a) {
      say({ ev: 'actuation', output: a.output, on: a.on });
    },
    onRuleEvent(event) {
      say({ ev: 'rule', kind: event.kind, rule: event.rule });
    },
  },
});
process.exitCode = await runUntilStopped(agent, logger, { notify: null });
