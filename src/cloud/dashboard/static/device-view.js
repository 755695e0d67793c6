// One device: its header, two live charts seeded from the stored series, its rules and outputs, and its recent
// events with their sample frames. Live updates come from the device's own event stream.

import { getJson, openStream, serverNow } from './api.js';
import { $, clear, el, setText, show } from './dom.js';
import { ago, celsius, clock, detections, fixed, integer, millis, modelName, NONE } from './format.js';
import { livenessBadge } from './fleet-view.js';
import { LineChart } from './line-chart.js';
import { updateBadge } from './loop-format.js';
import { SceneBox } from './scene-box.js';

const MAX_POINTS = 300;
const MAX_EVENTS = 50;
const DETAIL_POLL_MS = 10_000;
const THUMB_RETRIES = 6;

/** What a status message says about liveness, the way the server reads it (offline and stopping: offline). */
function livenessOfState(state) {
  if (state === 'offline' || state === 'stopping') return 'offline';
  return state === 'degraded' ? 'degraded' : 'online';
}

export function sampleUrl(deviceId, sampleId) {
  return `/api/v1/samples/${encodeURIComponent(deviceId)}/${encodeURIComponent(sampleId)}/jpeg`;
}

/**
 * The sample of an event is published after the event, so the first try may 404; it is retried a few times
 * with a growing pause before the cell says the frame was not stored.
 */
function thumbnail(deviceId, sampleId) {
  const cell = el('span', { class: 'thumb' });
  const load = (attempt) => {
    const img = el('img', { src: sampleUrl(deviceId, sampleId), alt: `frame ${sampleId}`, 'data-field': 'thumbnail', width: 96 });
    img.addEventListener('error', () => {
      img.remove();
      if (attempt < THUMB_RETRIES) setTimeout(() => load(attempt + 1), 1500 * 2 ** attempt);
      else cell.append(el('span', { class: 'note' }, 'no frame stored'));
    });
    cell.replaceChildren(img);
  };
  load(0);
  return cell;
}

export class DeviceView {
  constructor(root) {
    this.root = root;
    this.fps = new LineChart($('#chart-fps', root), { series: [{ label: 'fps' }], maxPoints: MAX_POINTS, name: 'fps' });
    this.latency = new LineChart($('#chart-latency', root), {
      series: [{ label: 'inference p95' }, { label: 'glass→GPIO p95' }], maxPoints: MAX_POINTS, name: 'latency',
    });
    this.events = $('#events-table tbody', root);
    this.scene = new SceneBox($('#scene-box', root));
    this.eventIds = new Set();
    this.id = undefined;
    this.stream = undefined;
    this.timers = [];
    this.lastSeen = null;
  }

  field(name) {
    return $(`.device-head [data-field="${name}"]`, this.root);
  }

  updateBadge() {
    return this.field('update').firstElementChild;
  }

  show(id) {
    this.hide();
    this.id = id;
    show(this.root, true);
    setText($('#device-title', this.root), id);
    for (const name of ['state', 'model', 'provider', 'agent', 'fps', 'g2g', 'cpu', 'outbox', 'last-seen']) setText(this.field(name), NONE);
    livenessBadge(this.field('liveness'), null);
    updateBadge(this.updateBadge(), null);
    this.scene.show(id);
    show($('#device-error', this.root), false);
    this.fps.setPoints([]);
    this.latency.setPoints([]);
    clear(this.events);
    this.eventIds.clear();
    show($('#events-empty', this.root), false);

    const enc = encodeURIComponent(id);
    // Live first, so nothing published while the stored data loads is missed (the charts merge by timestamp).
    this.stream = openStream(`/api/v1/live/devices/${enc}`, {
      stats: (s) => this.onStats(s),
      events: (e) => this.addEvent(e, true),
      status: (s) => this.onStatus(s),
    });
    this.loadDetail();
    this.timers.push(setInterval(() => this.loadDetail(), DETAIL_POLL_MS));
    this.timers.push(setInterval(() => this.refreshAge(), 1000));
    getJson(`/api/v1/devices/${enc}/series?points=${MAX_POINTS}`).then(({ points }) => {
      if (this.id !== id) return;
      this.fps.merge(points.map((p) => ({ ts: p.ts, values: [p.fps] })));
      this.latency.merge(points.map((p) => ({ ts: p.ts, values: [p.inferenceP95Ms, p.glassToGpioP95Ms] })));
    }, (e) => this.error(e));
    getJson(`/api/v1/events?device=${enc}&limit=${MAX_EVENTS}`).then(({ events }) => {
      if (this.id !== id) return;
      // Oldest first, each prepended, so the newest ends on top and live ones already shown stay deduplicated.
      for (const stored of [...events].reverse()) this.addEvent(stored.event, false);
      show($('#events-empty', this.root), this.eventIds.size === 0);
    }, (e) => this.error(e));
  }

  hide() {
    show(this.root, false);
    this.scene.hide();
    this.stream?.close();
    this.stream = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.id = undefined;
  }

  error(e) {
    const box = $('#device-error', this.root);
    setText(box, e.status === 404 ? `No device "${this.id}" is known yet; live data will show here when it reports.` : `Could not load: ${e.message}`);
    show(box, true);
  }

  loadDetail() {
    const id = this.id;
    getJson(`/api/v1/devices/${encodeURIComponent(id)}`).then((d) => {
      if (this.id !== id) return;
      show($('#device-error', this.root), false);
      livenessBadge(this.field('liveness'), d.liveness);
      setText(this.field('state'), d.state ?? NONE);
      setText(this.field('model'), modelName(d.modelName, d.modelVersion));
      updateBadge(this.updateBadge(), d.update);
      setText(this.field('provider'), d.provider ?? NONE);
      setText(this.field('agent'), d.agentVersion ?? NONE);
      setText(this.field('fps'), fixed(d.lastFps, 1));
      setText(this.field('g2g'), millis(d.lastGlassToGpioP95Ms));
      setText(this.field('cpu'), celsius(d.lastCpuTempC));
      setText(this.field('outbox'), integer(d.lastOutboxDepth));
      this.setReason(d.reason);
      this.lastSeen = d.lastSeen;
      this.refreshAge();
      this.renderRules(d.rules);
      this.renderOutputs(d.outputs);
    }, (e) => this.error(e));
  }

  setReason(reason) {
    const node = this.field('reason');
    setText(node, reason ? `Reason: ${reason}` : '');
    show(node, Boolean(reason));
  }

  refreshAge() {
    if (this.lastSeen !== null) setText(this.field('last-seen'), ago(serverNow() - this.lastSeen));
  }

  onStats(s) {
    this.fps.append({ ts: s.ts, values: [s.fps] });
    this.latency.append({ ts: s.ts, values: [s.inferenceMs.p95, s.glassToGpioMs.p95] });
    setText(this.field('fps'), fixed(s.fps, 1));
    setText(this.field('g2g'), millis(s.glassToGpioMs.p95));
    setText(this.field('cpu'), celsius(s.cpuTempC));
    setText(this.field('outbox'), integer(s.outbox.depth));
    setText(this.field('provider'), s.provider);
    setText(this.field('model'), modelName(s.model.name, s.model.version));
    this.lastSeen = serverNow();
    this.refreshAge();
  }

  onStatus(s) {
    livenessBadge(this.field('liveness'), livenessOfState(s.state));
    setText(this.field('state'), s.state);
    if (s.model) setText(this.field('model'), modelName(s.model.name, s.model.version));
    if (s.provider) setText(this.field('provider'), s.provider);
    if (s.agentVersion) setText(this.field('agent'), s.agentVersion);
    this.setReason(s.reason);
    this.lastSeen = serverNow();
    this.refreshAge();
  }

  addEvent(e, live) {
    if (this.eventIds.has(e.id)) return;
    this.eventIds.add(e.id);
    const row = el('tr', { 'data-event': e.id, class: live ? 'fresh' : null },
      el('td', { 'data-field': 'time' }, clock(e.ts)),
      el('td', { 'data-field': 'rule' }, e.rule),
      el('td', { 'data-field': 'kind' }, e.kind === 'cleared' && e.reason ? `cleared (${e.reason})` : e.kind),
      el('td', { 'data-field': 'priority' }, el('span', { class: `badge badge-${e.priority}` }, e.priority)),
      el('td', { 'data-field': 'detections' }, detections(e.detections)),
      el('td', { 'data-field': 'g2g', class: 'num' }, millis(e.glassToGpioMs)),
      el('td', { 'data-field': 'frame' }, e.sampleId ? thumbnail(e.deviceId, e.sampleId) : NONE),
    );
    this.events.prepend(row);
    while (this.events.rows.length > MAX_EVENTS) this.events.lastElementChild.remove();
    show($('#events-empty', this.root), false);
  }

  renderRules(rules) {
    const body = $('#rules-table tbody', this.root);
    const entries = Object.entries(rules ?? {});
    body.replaceChildren(...entries.map(([name, r]) => el('tr', { 'data-rule': name },
      el('td', {}, name),
      el('td', { 'data-field': 'enabled' }, r.enabled ? 'yes' : 'no'),
      el('td', { 'data-field': 'active' }, el('span', { class: `badge ${r.active ? 'badge-alarm' : 'badge-none'}` }, r.active ? 'active' : 'idle')))));
    show($('#rules-empty', this.root), entries.length === 0);
  }

  renderOutputs(outputs) {
    const body = $('#outputs-table tbody', this.root);
    const entries = Object.entries(outputs ?? {});
    body.replaceChildren(...entries.map(([name, on]) => el('tr', { 'data-output': name },
      el('td', {}, name),
      el('td', { 'data-field': 'level' }, el('span', { class: `badge ${on ? 'badge-alarm' : 'badge-none'}` }, on ? 'on' : 'off')))));
    show($('#outputs-empty', this.root), entries.length === 0);
  }
}
