// The closed loop's view: fleets (drift checks, rollouts, "Retrain now"), models and retraining jobs; a click on a
// job shows what it was about, its gate figures, its rollout and its log.

import { getJson } from './api.js';
import { $, el, setText, show } from './dom.js';
import { FleetsPanel } from './fleets-panel.js';
import { bytes, clock, duration, NONE } from './format.js';
import { gateCell, jobFacts, jobParts, rolloutCell } from './job-detail.js';

const POLL_MS = 10_000;

function metricsText(metrics) {
  const entries = Object.entries(metrics ?? {});
  return entries.length === 0 ? NONE : entries.map(([k, v]) => `${k} ${Number(v).toFixed(3)}`).join(', ');
}

export class ModelsView {
  constructor(root) {
    this.root = root;
    this.timer = undefined;
    this.selectedJob = undefined;
    this.jobs = new Map();
    this.fleets = new FleetsPanel($('#fleets-panel', root), () => this.refreshJobs());
  }

  show() {
    show(this.root, true);
    this.refresh();
    this.timer = setInterval(() => this.refresh(), POLL_MS);
  }

  hide() {
    show(this.root, false);
    clearInterval(this.timer);
    this.timer = undefined;
  }

  refresh() {
    this.fleets.refresh();
    getJson('/api/v1/models').then(({ models }) => this.renderModels(models), () => undefined);
    this.refreshJobs();
  }

  refreshJobs() {
    getJson('/api/v1/jobs').then(({ jobs }) => this.renderJobs(jobs), () => undefined);
    if (this.selectedJob !== undefined) this.showLog(this.selectedJob);
  }

  renderModels(models) {
    const body = $('#models-table tbody', this.root);
    body.replaceChildren(...models.map((m) => el('tr', { 'data-model': `${m.name}@${m.version}` },
      el('td', {}, m.name),
      el('td', { class: 'num' }, m.version),
      el('td', {}, clock(m.createdAt)),
      el('td', { class: 'num' }, bytes(m.size)),
      el('td', { class: 'wrap' }, m.labels.join(', ')),
      el('td', { class: 'wrap' }, metricsText(m.metrics)),
      el('td', {}, m.manifest ? 'yes' : 'no'))));
    show($('#models-empty', this.root), models.length === 0);
  }

  renderJobs(jobs) {
    const body = $('#jobs-table tbody', this.root);
    this.jobs = new Map(jobs.map((j) => [j.id, j]));
    body.replaceChildren(...jobs.map((j) => {
      const parts = jobParts(j);
      const tr = el('tr', { 'data-job': j.id, class: j.id === this.selectedJob ? 'clickable selected' : 'clickable' },
        el('td', {}, el('button', { type: 'button', class: 'link' }, j.id)),
        el('td', {}, j.kind),
        el('td', { 'data-field': 'group' }, parts.group ?? NONE),
        el('td', { 'data-field': 'status' }, el('span', { class: `badge badge-job-${j.status}` }, j.status)),
        el('td', { 'data-field': 'gate' }, gateCell(parts.gate)),
        el('td', { 'data-field': 'rollout' }, rolloutCell(parts.rollout)),
        el('td', {}, clock(j.createdAt)),
        el('td', {}, j.startedAt === null ? NONE : duration((j.finishedAt ?? Date.now()) - j.startedAt)),
        el('td', { class: 'wrap' }, j.error ?? ''));
      tr.addEventListener('click', () => {
        this.selectedJob = j.id;
        for (const other of body.rows) other.classList.toggle('selected', other === tr);
        this.showDetail(j.id);
        this.showLog(j.id);
      });
      return tr;
    }));
    show($('#jobs-empty', this.root), jobs.length === 0);
    if (this.selectedJob !== undefined) this.showDetail(this.selectedJob);
  }

  /** From the job record of the last listing; the log panel shows it once the log has loaded. */
  showDetail(id) {
    const job = this.jobs.get(id);
    $('#job-detail', this.root).replaceChildren(...(job === undefined ? [] : jobFacts(job)));
  }

  showLog(id) {
    getJson(`/api/v1/jobs/${encodeURIComponent(id)}/log`).then(({ lines }) => {
      if (this.selectedJob !== id) return;
      setText($('#job-log-id', this.root), id);
      setText($('#job-log-lines', this.root), lines.length === 0 ? '(no log lines yet)' : lines.map((l) => `${clock(l.ts)}  ${l.line}`).join('\n'));
      show($('#job-log', this.root), true);
    }, () => undefined);
  }
}
