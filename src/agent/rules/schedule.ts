/**
 * Arm schedules in a configured IANA time zone. Local time comes from Intl (the platform's tz database), so
 * daylight-saving changes are followed without a table of our own. Pure: every function takes the instant.
 */
import { WEEKDAYS, type ScheduleWindow } from './schema.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead the next edge is searched; a schedule always has an edge within a week. */
const HORIZON_MS = 8 * DAY_MS;

const SHORT_WEEKDAY: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export interface LocalTime {
  /** 0 = Monday ... 6 = Sunday. */
  readonly weekday: number;
  readonly minuteOfDay: number;
}

/** Reads local time and the UTC offset of one time zone. */
export interface ZoneReader {
  readonly timeZone: string;
  local(utcMs: number): LocalTime;
  /** Local minus UTC, in ms, at that instant. */
  offsetMs(utcMs: number): number;
}

export function createZoneReader(timeZone: string): ZoneReader {
  // hourCycle h23: some engines print midnight as "24" with hour12: false.
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = (utcMs: number): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const part of format.formatToParts(utcMs)) out[part.type] = part.value;
    return out;
  };
  const num = (f: Record<string, string>, key: string): number => Number(f[key]);
  return {
    timeZone,
    local(utcMs) {
      const f = fields(utcMs);
      const weekday = SHORT_WEEKDAY[f.weekday ?? ''];
      if (weekday === undefined) throw new Error(`Intl gave an unexpected weekday "${f.weekday ?? ''}"`);
      return { weekday, minuteOfDay: num(f, 'hour') * 60 + num(f, 'minute') };
    },
    offsetMs(utcMs) {
      const f = fields(utcMs);
      const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
      const localAsUtc = Date.UTC(
        num(f, 'year'),
        num(f, 'month') - 1,
        num(f, 'day'),
        num(f, 'hour'),
        num(f, 'minute'),
        num(f, 'second'),
      );
      return localAsUtc - wholeSecond;
    },
  };
}

interface CompiledWindow {
  /** Indexed by weekday (0 = Monday): the window starts on that day. */
  readonly days: readonly boolean[];
  readonly from: number;
  /** Minutes; 1440 for 24:00. Less than `from` when the window crosses midnight. */
  readonly to: number;
}

export interface CompiledSchedule {
  readonly zone: ZoneReader;
  readonly windows: readonly CompiledWindow[];
  /** Minutes of the day at which the armed state can change, ascending. */
  readonly edgeMinutes: readonly number[];
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

export function compileSchedule(windows: readonly ScheduleWindow[], zone: ZoneReader): CompiledSchedule {
  const compiled = windows.map((w) => ({
    days: WEEKDAYS.map((d) => w.days.includes(d)),
    from: minutesOf(w.from),
    to: minutesOf(w.to),
  }));
  const edges = new Set<number>();
  for (const w of compiled) {
    edges.add(w.from);
    edges.add(w.to % 1440);
  }
  return { zone, windows: compiled, edgeMinutes: [...edges].sort((a, b) => a - b) };
}

/** Armed at this local time? Windows are half-open: armed at `from`, disarmed at `to`. */
export function isArmedLocal(schedule: CompiledSchedule, local: LocalTime): boolean {
  const { weekday, minuteOfDay } = local;
  const previousDay = (weekday + 6) % 7;
  return schedule.windows.some((w) => {
    if (w.from < w.to) return w.days[weekday] === true && minuteOfDay >= w.from && minuteOfDay < w.to;
    // Crossing midnight: the part after `from` belongs to today, the part before `to` to yesterday's window.
    return (w.days[weekday] === true && minuteOfDay >= w.from) || (w.days[previousDay] === true && minuteOfDay < w.to);
  });
}

export function isArmedAt(schedule: CompiledSchedule, utcMs: number): boolean {
  return isArmedLocal(schedule, schedule.zone.local(utcMs));
}

/**
 * First instant in (t0, t1] whose UTC offset differs from `offset`, or null when there is none. Assumes at
 * most one offset change within the span (callers pass at most a day; no zone changes twice in a day).
 */
function offsetChange(zone: ZoneReader, t0: number, t1: number, offset: number): number | null {
  if (zone.offsetMs(t1) === offset) return null;
  let lo = t0;
  let hi = t1;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (zone.offsetMs(mid) === offset) lo = mid;
    else hi = mid;
  }
  // tz changes happen on whole UTC minutes; (lo, hi] holds at most one.
  const minuteMark = Math.floor(lo / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return minuteMark <= hi ? minuteMark : hi;
}

/**
 * The next instant after `afterUtcMs` at which the armed state may change: a local edge minute, or a UTC
 * offset change (a DST jump can move local time across an edge, e.g. a window starting at 02:30 on the night
 * clocks go from 02:00 to 03:00 arms at the jump). Within a span of constant offset local time is UTC plus
 * that offset, so edges map exactly. Returns at most `afterUtcMs` + 8 days.
 */
export function nextScheduleEdge(schedule: CompiledSchedule, afterUtcMs: number): number {
  const { zone, edgeMinutes } = schedule;
  const end = afterUtcMs + HORIZON_MS;
  let t = afterUtcMs;
  while (t < end) {
    const offset = zone.offsetMs(t);
    const limit = Math.min(t + DAY_MS, end);
    const change = offsetChange(zone, t, limit, offset);
    const spanEnd = change ?? limit;
    const firstLocalDay = Math.floor((t + offset) / DAY_MS) * DAY_MS;
    for (let day = firstLocalDay; day < spanEnd + offset; day += DAY_MS) {
      for (const minute of edgeMinutes) {
        const utc = day + minute * MINUTE_MS - offset;
        if (utc > afterUtcMs && utc >= t && utc < spanEnd) return utc;
      }
    }
    if (change !== null) return change;
    t = spanEnd;
  }
  return end;
}
