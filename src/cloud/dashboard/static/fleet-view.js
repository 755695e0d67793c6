// The fleet view: one row per device, kept current by the server's fleet stream, and the counters above it.

import { getJson, openStream, serverNow, setServerNow } from './api.js';
import { $, el, setText, show } from './dom.js';
import { ago, celsius, fixed, integer, millis, modelName, NONE } from './format.js';
import { updateBadge } from './loop-format.js';

const LIVENESS = ['online', 'degraded', 'stale', 'offline'];
/** The server pushes the first page of the fleet (its default page size). */
const PAGE = 200;
const INGEST_POLL_MS = 5000;

const FIELDS = ['device', 'group', 'liveness', 'model', 'update', 'provider', 'fps', 'g2g', 'cpu', 'outbox', 'last-seen'];
const NUMERIC = new Set(['fps', 'g2g', 'cpu', 'outbox']);

export function deviceHref(id) {
  return `/#/device/${encodeURIComponent(id)}`;
}

export function livenessBadge(node, liveness) {
  setText(node, liveness ?? NONE);
  node.className = `badge badge-${liveness ?? 'none'}`;
}

export class FleetView {
  constructor(root) {
    this.root = root;
    this.body = $('#fleet-table tbody', root);
    this.rows = new Map();
    this.stream = undefined;
    this.timers = [];
  }

  show() {
    show(this.root, true);
    this.stream = openStream('/api/v1/live/fleet', { fleet: (body) => this.update(body) });
    this.timers.push(setInterval(() => this.refreshAges(), 1000));
    this.pollIngest();
    this.timers.push(setInterval(() => this.pollIngest(), INGEST_POLL_MS));
  }

  hide() {
    show(this.root, false);
    this.stream?.close();
    this.stream = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  update({ now, devices }) {
    setServerNow(now);
    const seen = new Set();
    for (const device of devices) {
      seen.add(device.deviceId);
      const row = this.rows.get(device.deviceId) ?? this.addRow(device.deviceId);
      this.fill(row, device);
      this.body.append(row.tr); // keeps the server's order (by device id); moving a node is cheap
    }
    for (const [id, row] of this.rows) {
      if (seen.has(id)) continue;
      row.tr.remove();
      this.rows.delete(id);
    }
    const counts = Object.fromEntries(LIVENESS.map((l) => [l, 0]));
    for (const device of devices) counts[device.liveness] += 1;
    for (const liveness of LIVENESS) setText($(`[data-count="${liveness}"]`, this.root), counts[liveness]);
    show($('#fleet-empty', this.root), devices.length === 0);
    const more = $('#fleet-more', this.root);
    show(more, devices.length >= PAGE);
    setText(more, `Showing the first ${PAGE} devices; counts are of those shown.`);
  }

  addRow(id) {
    const cells = Object.fromEntries(FIELDS.map((f) => [f, el('td', { 'data-field': f, class: NUMERIC.has(f) ? 'num' : null })]));
    cells.device.append(el('a', { href: deviceHref(id) }, id));
    cells.liveness.append(el('span', { class: 'badge' }));
    cells.update.append(el('span'));
    const tr = el('tr', { 'data-device': id, class: 'clickable' }, ...FIELDS.map((f) => cells[f]));
    tr.addEventListener('click', (e) => {
      if (!(e.target instanceof HTMLAnchorElement)) location.assign(deviceHref(id));
    });
    const row = { tr, cells, lastSeen: null };
    this.rows.set(id, row);
    return row;
  }

  fill(row, d) {
    const c = row.cells;
    setText(c.group, d.group ?? NONE);
    livenessBadge(c.liveness.firstChild, d.liveness);
    setText(c.model, modelName(d.modelName, d.modelVersion));
    updateBadge(c.update.firstChild, d.update);
    setText(c.provider, d.provider ?? NONE);
    setText(c.fps, fixed(d.lastFps, 1));
    setText(c.g2g, millis(d.lastGlassToGpioP95Ms));
    setText(c.cpu, celsius(d.lastCpuTempC));
    setText(c.outbox, integer(d.lastOutboxDepth));
    row.lastSeen = d.lastSeen;
    setText(c['last-seen'], ago(serverNow() - d.lastSeen));
  }

  refreshAges() {
    for (const row of this.rows.values()) setText(row.cells['last-seen'], ago(serverNow() - row.lastSeen));
  }

  /** The counters exist only where this server runs the ingest; a 404 hides the line for good. */
  pollIngest() {
    const line = $('#ingest', this.root);
    if (line.dataset.absent === 'true') return;
    getJson('/api/v1/ingest').then((c) => {
      const bad = Object.values(c.bad ?? {}).reduce((a, b) => a + b, 0);
      const counts = { received: c.received, stored: c.stored, duplicates: c.duplicates, bad, pending: c.pendingStats, storeErrors: c.storeErrors };
      for (const [key, value] of Object.entries(counts)) setText($(`[data-ingest="${key}"]`, line), integer(value));
      const link = $('[data-ingest="connected"]', line);
      setText(link, c.connected ? 'connected' : 'disconnected');
      link.className = `badge ${c.connected ? 'badge-online' : 'badge-offline'}`;
      show(line, true);
    }, (e) => {
      if (e.status === 404) line.dataset.absent = 'true';
      show(line, false);
    });
  }
}
