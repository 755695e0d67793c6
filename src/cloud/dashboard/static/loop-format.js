// How the closed loop reads on the page: a device's model update, a job's gate figures and data set, a rollout.
// Every badge has one of three tones (ok, progress, bad) and always carries its word, so it reads without colour.

import { el, setText } from './dom.js';
import { clock, fixed, modelName, NONE } from './format.js';

/** Update states that end an update badly (src/protocol/update.ts); `committed` ends it well; the rest are on the way. */
const UPDATE_BAD = new Set(['rejected', 'rolled-back', 'failed']);

const ROLLOUT_TONES = { canary: 'progress', fleet: 'ok', 'rolled-back': 'bad', failed: 'bad' };

export function updateTone(state) {
  if (state === 'committed') return 'ok';
  return UPDATE_BAD.has(state) ? 'bad' : 'progress';
}

/** "v3 rolled-back (TOO_SLOW)": the version the update was about, its state, and the device's reason code. */
export function updateText(update) {
  if (!update) return NONE;
  return `v${update.version} ${update.state}${update.code ? ` (${update.code})` : ''}`;
}

function setTitle(node, title) {
  if (title === '') node.removeAttribute('title');
  else if (node.getAttribute('title') !== title) node.setAttribute('title', title);
}

/** Fills a badge with a device's last reported update (`update` of the fleet and device API); none: a dash. */
export function updateBadge(node, update) {
  setText(node, updateText(update));
  node.className = update ? `badge badge-${updateTone(update.state)}` : '';
  setTitle(node, update ? `${modelName(update.name, update.version)} ${update.state} at ${clock(update.ts)}` : '');
}

export function badge(text, tone) {
  return el('span', { class: `badge badge-${tone}` }, text);
}

export function rolloutBadge(rollout) {
  return badge(rollout.phase, ROLLOUT_TONES[rollout.phase] ?? 'none');
}

/** "held-out mAP50 0.41 → 0.78; original 0.95 → 0.94" (the original part only where both were measured). */
export function gateFigures(gate) {
  const heldOut = `held-out mAP50 ${fixed(gate.current?.heldOut, 2)} → ${fixed(gate.candidate?.heldOut, 2)}`;
  const before = gate.current?.original;
  const after = gate.candidate?.original;
  return before === null || before === undefined || after === null || after === undefined
    ? heldOut
    : `${heldOut}; original ${fixed(before, 2)} → ${fixed(after, 2)}`;
}

export function gateBadge(gate) {
  return gate.passed ? badge('passed', 'ok') : badge('rejected', 'bad');
}

/** "120 train + 30 held out, labels from synthetic-truth; 4 without labels". */
export function datasetText(dataset) {
  const parts = [`${dataset.train} train + ${dataset.val} held out, labels from ${dataset.labelSource ?? NONE}`];
  if (dataset.unlabelled > 0) parts.push(`${dataset.unlabelled} without labels`);
  if (dataset.unknownClassBoxes > 0) parts.push(`${dataset.unknownClassBoxes} boxes of unknown classes left out`);
  return parts.join('; ');
}

/** "lookout-int8 v1 → v2 in yard, since 14:02:10". */
export function rolloutText(rollout) {
  return `${modelName(rollout.previous?.name, rollout.previous?.version)} → ${modelName(rollout.model?.name, rollout.model?.version)} in ${rollout.group}, since ${clock(rollout.startedAt)}`;
}

/** The canary's figures under the previous and the new model, where the rollout has measured them. */
export function canaryText(canary) {
  if (!canary) return '';
  const parts = [];
  if (canary.meanScoreBefore !== undefined || canary.meanScoreAfter !== undefined) {
    parts.push(`mean confidence ${fixed(canary.meanScoreBefore, 3)} → ${fixed(canary.meanScoreAfter, 3)}`);
  }
  if (canary.before || canary.after) parts.push(`fps ${fixed(canary.before?.fps, 1)} → ${fixed(canary.after?.fps, 1)}`);
  return parts.length === 0 ? '' : `canary: ${parts.join(', ')}`;
}

/** A list of reason lines (`field`: its data-field, if any), or null when there are none (so callers can leave it out). */
export function reasonList(reasons, field) {
  if (!Array.isArray(reasons) || reasons.length === 0) return null;
  return el('ul', { class: 'reasons', 'data-field': field }, ...reasons.map((reason) => el('li', {}, reason)));
}
