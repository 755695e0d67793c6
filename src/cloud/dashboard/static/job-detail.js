// What a retraining job was about and what came of it, from its record (`params` and `result`, written by
// src/cloud/retrain/retrain-service.ts): the fleet and the model it started from, the drift reasons, the data set,
// the gate's figures, the model it registered and its rollout. The table cells and the detail panel share this.

import { el } from './dom.js';
import { bytes, modelName, NONE } from './format.js';
import { canaryText, datasetText, gateBadge, gateFigures, reasonList, rolloutBadge, rolloutText } from './loop-format.js';

/** The parts of a job record the page reads; anything missing (another kind of job, one still queued) is null. */
export function jobParts(job) {
  const params = job.params !== null && typeof job.params === 'object' ? job.params : {};
  const result = job.result !== null && typeof job.result === 'object' ? job.result : {};
  return {
    group: typeof params.group === 'string' ? params.group : null,
    reasons: Array.isArray(params.reasons) ? params.reasons : [],
    from: params.model ?? null,
    gate: result.gate ?? null,
    dataset: result.dataset ?? null,
    model: result.model ?? null,
    rollout: result.rollout ?? null,
  };
}

/** The jobs table's gate cell: the figures and passed / rejected. */
export function gateCell(gate) {
  return gate === null ? NONE : el('span', {}, el('span', { 'data-field': 'gate-figures' }, gateFigures(gate)), ' ', gateBadge(gate));
}

export function rolloutCell(rollout) {
  return rollout === null ? NONE : rolloutBadge(rollout);
}

function fact(term, field, ...content) {
  return el('div', {}, el('dt', {}, term), el('dd', { 'data-field': field }, ...content));
}

/** The detail panel's facts (a `<dl>`'s children). */
export function jobFacts(job) {
  const p = jobParts(job);
  const facts = [];
  if (p.group !== null) {
    facts.push(fact('Fleet', 'group', p.group, p.from === null ? null : `, from ${modelName(p.from.name, p.from.version)}`));
  }
  if (p.reasons.length > 0) facts.push(fact('Why', 'drift-reasons', reasonList(p.reasons)));
  if (p.dataset !== null) facts.push(fact('Data set', 'dataset', datasetText(p.dataset)));
  if (p.gate !== null) {
    facts.push(fact('Gate', 'gate', gateFigures(p.gate), ' ', gateBadge(p.gate),
      reasonList(p.gate.reasons, 'gate-reasons')));
  }
  if (p.model !== null) {
    facts.push(fact('New model', 'new-model',
      `${modelName(p.model.name, p.model.version)}, ${bytes(p.model.size)}, sha256 ${String(p.model.sha256 ?? NONE).slice(0, 12)}…`));
  }
  if (p.rollout !== null) {
    const canary = canaryText(p.rollout.canary);
    facts.push(fact('Rollout', 'rollout', rolloutBadge(p.rollout), ' ', rolloutText(p.rollout),
      canary === '' ? null : el('div', { 'data-field': 'canary' }, canary),
      reasonList(p.rollout.reasons, 'rollout-reasons')));
  }
  if (job.error) facts.push(fact('Error', 'error', job.error));
  return facts;
}
