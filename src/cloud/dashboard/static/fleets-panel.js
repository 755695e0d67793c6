// The closed loop per fleet (GET /api/v1/fleets): its last drift check with the per-class figures behind it, its
// rollout, and a "Retrain now" button. A server that runs no retraining answers 404 and the panel stays hidden.

import { getJson, postJson } from './api.js';
import { $, el, setText, show } from './dom.js';
import { clock, fixed, hhmm, modelName, NONE } from './format.js';
import { badge, canaryText, reasonList, rolloutBadge, rolloutText } from './loop-format.js';

const pct = (x) => (typeof x === 'number' ? `${Math.round(x * 100)} %` : NONE);

/** "−48 %": the relative change of a class's mean confidence, as the drift rule measures it (src/cloud/retrain/drift.ts). */
function change(before, after) {
  if (typeof before !== 'number' || typeof after !== 'number' || before === 0) return NONE;
  const rel = (after - before) / before;
  return `${rel < 0 ? '−' : '+'}${Math.abs(Math.round(rel * 100))} %`;
}

function classTable(classes) {
  if (!Array.isArray(classes) || classes.length === 0) return null;
  return el('table', { class: 'grid compact', 'data-field': 'classes' },
    el('caption', {}, 'Mean confidence per class, baseline → recent'),
    el('thead', {}, el('tr', {},
      el('th', {}, 'Class'), el('th', { class: 'num' }, 'Baseline'), el('th', { class: 'num' }, 'Recent'),
      el('th', { class: 'num' }, 'Change'), el('th', { class: 'num' }, 'Detections/s'))),
    el('tbody', {}, ...classes.map((c) => el('tr', { 'data-class': c.label },
      el('td', {}, c.label),
      el('td', { class: 'num', 'data-field': 'baseline' }, fixed(c.baseline?.meanScore, 2)),
      el('td', { class: 'num', 'data-field': 'recent' }, fixed(c.recent?.meanScore, 2)),
      el('td', { class: 'num', 'data-field': 'change' }, change(c.baseline?.meanScore, c.recent?.meanScore)),
      el('td', { class: 'num', 'data-field': 'rate' }, `${fixed(c.baseline?.perS, 2)} → ${fixed(c.recent?.perS, 2)}`)))));
}

/** The last check's line and, for a verdict, its reasons and figures (src/cloud/retrain/drift-monitor.ts DriftCheck). */
function checkNodes(check) {
  if (check === null) return [el('p', { 'data-field': 'check' }, badge('not checked', 'none'), ' No check has run yet.')];
  const model = check.model ? modelName(check.model.name, check.model.version) : NONE;
  switch (check.kind) {
    case 'no-devices':
      return [el('p', { 'data-field': 'check' }, badge('no devices', 'none'), ` No device of this fleet reports a model (checked ${clock(check.at)}).`)];
    case 'too-early':
      return [el('p', { 'data-field': 'check' }, badge('waiting', 'progress'),
        ` Too early until ${hhmm(check.readyAt)}: ${model} needs its baseline and a recent window first.`)];
    case 'verdict': {
      const v = check.verdict ?? {};
      const labelled = v.labelled ? `; ${v.labelled.samples} labelled recent samples, mAP50 ${fixed(v.labelled.map50, 2)}` : '';
      return [
        el('p', { 'data-field': 'check' }, v.drifted ? badge('drifted', 'bad') : badge('steady', 'ok'), ` ${model}, checked ${clock(check.at)}`),
        reasonList(v.reasons, 'drift-reasons'),
        classTable(v.classes),
        el('p', { class: 'note', 'data-field': 'uncertain' },
          `Uncertain detections ${pct(v.uncertainShare?.baseline)} → ${pct(v.uncertainShare?.recent)}${labelled}`),
      ];
    }
    default:
      return [el('p', { 'data-field': 'check' }, String(check.kind))];
  }
}

function rolloutNodes(rollout) {
  if (rollout === null) return [el('p', { 'data-field': 'rollout' }, 'Rollout: none since the service started.')];
  const canary = canaryText(rollout.canary);
  return [
    el('p', { 'data-field': 'rollout' }, 'Rollout: ', rolloutBadge(rollout), ` ${rolloutText(rollout)}, updated ${clock(rollout.updatedAt)}`),
    canary === '' ? null : el('p', { class: 'note', 'data-field': 'canary' }, canary),
    reasonList(rollout.reasons, 'rollout-reasons'),
  ];
}

export class FleetsPanel {
  /** `onJobStarted` refreshes the jobs table after a successful "Retrain now". */
  constructor(root, onJobStarted) {
    this.root = root;
    this.cardsNode = $('#fleet-cards', root);
    this.cards = new Map();
    this.onJobStarted = onJobStarted;
  }

  refresh() {
    getJson('/api/v1/fleets').then((body) => this.render(body), (e) => {
      // 404: this server has no closed loop; anything else leaves the last picture up until the next poll.
      if (e.status === 404) show(this.root, false);
    });
  }

  render({ enabled, fleets }) {
    show(this.root, true);
    show($('#fleets-off', this.root), !enabled);
    show($('#fleets-none', this.root), enabled && fleets.length === 0);
    const seen = new Set();
    for (const fleet of fleets) {
      seen.add(fleet.group);
      const card = this.cards.get(fleet.group) ?? this.addCard(fleet.group);
      // The parts a fleet lacks (no reasons, no canary figures) are null; replaceChildren would print "null".
      card.body.replaceChildren(...[...checkNodes(fleet.lastCheck ?? null), ...rolloutNodes(fleet.rollout ?? null)].filter((n) => n !== null));
      this.cardsNode.append(card.root);
    }
    for (const [group, card] of this.cards) {
      if (seen.has(group)) continue;
      card.root.remove();
      this.cards.delete(group);
    }
  }

  addCard(group) {
    const button = el('button', { type: 'button', 'data-action': 'retrain' }, 'Retrain now');
    const result = el('p', { class: 'result', 'data-field': 'retrain-result', role: 'status', hidden: true });
    const body = el('div', { class: 'fleet-body' });
    const root = el('article', { class: 'fleet-card', 'data-fleet': group },
      el('header', {}, el('h3', {}, group), button), result, body);
    const card = { root, body, button, result };
    button.addEventListener('click', () => this.retrain(group, card));
    this.cards.set(group, card);
    return card;
  }

  retrain(group, card) {
    const say = (text, state) => {
      setText(card.result, text);
      card.result.dataset.state = state;
      show(card.result, true);
    };
    card.button.disabled = true;
    postJson(`/api/v1/fleets/${encodeURIComponent(group)}/retrain`).then(({ job }) => {
      say(`started job ${job.id}`, 'sent');
      this.onJobStarted();
    }, (e) => {
      // 409: a job is running (one at a time per service); 404: retraining is off or the fleet is not configured.
      say(`not started: ${e.message}`, 'error');
    }).finally(() => { card.button.disabled = false; });
  }
}
