// A small live line chart drawn as inline SVG: one polyline per series over a shared time axis, a few
// horizontal grid lines with their values, and the time span underneath. At most `maxPoints` points are kept.

import { svg } from './dom.js';

const W = 640;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function timeLabel(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export class LineChart {
  /**
   * @param container the element the SVG goes into
   * @param options { series: [{ label }], maxPoints, name } — values of a point are in series order
   */
  constructor(container, { series, maxPoints = 300, name }) {
    this.series = series;
    this.maxPoints = maxPoints;
    this.points = [];
    this.root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': name, 'data-chart': name, 'data-points': 0,
    });
    this.grid = svg('g', { class: 'grid-lines' });
    this.lines = series.map((_, i) => svg('polyline', { class: `line line-${i}`, fill: 'none', points: '' }));
    this.marks = series.map((_, i) => svg('circle', { class: `mark line-${i}`, r: 3, cx: -10, cy: -10 }));
    this.empty = svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'no data yet');
    this.root.append(this.grid, ...this.lines, ...this.marks, this.empty);
    container.append(this.root);
    this.render();
  }

  get pointCount() {
    return this.points.length;
  }

  /** Replaces every point: `[{ ts, values: [number | null, ...] }]`, oldest first. */
  setPoints(points) {
    this.points = points.slice(-this.maxPoints);
    this.render();
  }

  /** Adds many points at once (one redraw); a timestamp already present keeps the newer value. */
  merge(points) {
    const byTs = new Map(this.points.map((p) => [p.ts, p]));
    for (const p of points) if (!byTs.has(p.ts)) byTs.set(p.ts, p);
    this.setPoints([...byTs.values()].sort((a, b) => a.ts - b.ts));
  }

  /** Adds a point in time order (a late one is put in its place; one with a known timestamp replaces it). */
  append(point) {
    const at = this.points.findIndex((p) => p.ts >= point.ts);
    if (at < 0) this.points.push(point);
    else if (this.points[at].ts === point.ts) this.points[at] = point;
    else this.points.splice(at, 0, point);
    if (this.points.length > this.maxPoints) this.points.splice(0, this.points.length - this.maxPoints);
    this.render();
  }

  render() {
    const pts = this.points;
    this.root.setAttribute('data-points', String(pts.length));
    this.empty.setAttribute('visibility', pts.length === 0 ? 'visible' : 'hidden');
    const values = pts.flatMap((p) => p.values.filter((v) => typeof v === 'number'));
    const top = niceMax(Math.max(0, ...values));
    const t0 = pts.length > 0 ? pts[0].ts : 0;
    const t1 = pts.length > 1 ? pts[pts.length - 1].ts : t0 + 1;
    const x = (ts) => PAD.left + ((ts - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
    const y = (v) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);

    this.grid.replaceChildren();
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      this.grid.append(
        svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: i === 0 ? 'axis' : 'rule' }),
        svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, Number.isInteger(v) ? String(v) : v.toFixed(1)),
      );
    }
    if (pts.length > 0) {
      this.grid.append(
        svg('text', { x: PAD.left, y: H - 8, 'text-anchor': 'start', class: 'tick' }, timeLabel(t0)),
        svg('text', { x: W - PAD.right, y: H - 8, 'text-anchor': 'end', class: 'tick' }, timeLabel(pts[pts.length - 1].ts)),
      );
    }
    this.series.forEach((_, i) => {
      const own = pts.filter((p) => typeof p.values[i] === 'number');
      this.lines[i].setAttribute('points', own.map((p) => `${x(p.ts).toFixed(1)},${y(p.values[i]).toFixed(1)}`).join(' '));
      const last = own[own.length - 1];
      this.marks[i].setAttribute('cx', last === undefined ? -10 : x(last.ts).toFixed(1));
      this.marks[i].setAttribute('cy', last === undefined ? -10 : y(last.values[i]).toFixed(1));
    });
  }
}
