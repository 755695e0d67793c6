// How numbers, times and ages read on the page. A missing value is an en dash.

export const NONE = '–';

const missing = (v) => v === null || v === undefined || Number.isNaN(v);

export function fixed(value, digits = 1) {
  return missing(value) ? NONE : Number(value).toFixed(digits);
}

export function millis(value) {
  return missing(value) ? NONE : `${Number(value).toFixed(value < 10 ? 1 : 0)} ms`;
}

export function celsius(value) {
  return missing(value) ? NONE : `${Number(value).toFixed(1)} °C`;
}

export function integer(value) {
  return missing(value) ? NONE : String(Math.round(value));
}

/** "12 s ago", "3 min ago", "5 h ago", "2 d ago". */
export function ago(ms) {
  if (missing(ms)) return NONE;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** Local time; the date too when it is not today. */
export function clock(ts) {
  if (missing(ts)) return NONE;
  const d = new Date(ts);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

/** "14:05": a time of day to the minute (a moment ahead, such as when a check becomes possible). */
export function hhmm(ts) {
  if (missing(ts)) return NONE;
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export function duration(ms) {
  if (missing(ms)) return NONE;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 120 ? `${min} min` : `${(min / 60).toFixed(1)} h`;
}

export function bytes(n) {
  if (missing(n)) return NONE;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function modelName(name, version) {
  if (missing(name)) return NONE;
  return missing(version) ? name : `${name} v${version}`;
}

/** "2× person (0.91), car (0.55)": count per label and its best score. */
export function detections(list) {
  if (!Array.isArray(list) || list.length === 0) return 'none';
  const byLabel = new Map();
  for (const d of list) {
    const seen = byLabel.get(d.label) ?? { count: 0, best: 0 };
    seen.count += 1;
    seen.best = Math.max(seen.best, d.score);
    byLabel.set(d.label, seen);
  }
  return [...byLabel].map(([label, { count, best }]) => `${count > 1 ? `${count}× ` : ''}${label} (${best.toFixed(2)})`).join(', ');
}
