/**
 * Deployment windows: the hours in which traffic may increase. Pure: every function
 * takes the time as milliseconds since the epoch and reads no clock.
 *
 * A window is `start`–`end` local wall-clock time in `timezone` (IANA, default UTC) on `days`
 * (default every day). `days` names the day a window *starts*: `Fri 22:00–02:00` is open from
 * Friday 22:00 to Saturday 02:00. `end` may be `24:00`; `start === end` is a whole day from `start`.
 * A list of windows is open when any of them is; an empty list (or none) is always open.
 * Local times follow the zone's rules, daylight saving included: a window opens at the first
 * instant whose local time is at or after its start.
 */
import { DAY_NAMES, type DeploymentWindow } from './model/request.ts';
import { ruleViolation } from './describe.ts';

export type Day = (typeof DAY_NAMES)[number];

const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
/** Far enough to cross any week, every daylight-saving change included. */
const MAX_JUMPS = 64;

interface LocalTime {
  /** 0 = Mon … 6 = Sun. */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
  /** Milliseconds into the local minute. */
  msInMinute: number;
  /** Local time minus UTC, in minutes. */
  offset: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
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
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `Intl` knows the zone (`Europe/Paris`, `America/New_York`, `UTC`, …). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localTime(at: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const weekday = DAY_NAMES.indexOf(parts.weekday as Day);
  const ms = ((at % 1000) + 1000) % 1000;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, minute, second);
  const offset = Math.round((wall - (at - ms)) / MS_PER_MINUTE);
  return { weekday, minute: hour * 60 + minute, msInMinute: second * 1000 + ms, offset };
}

function hhmm(text: string): number {
  const [h = '0', m = '0'] = text.split(':');
  return Number(h) * 60 + Number(m);
}

interface Compiled {
  days: ReadonlySet<number>;
  start: number;
  end: number;
  timeZone: string;
}

function compile(window: DeploymentWindow): Compiled {
  const days = new Set((window.days ?? DAY_NAMES).map((d) => DAY_NAMES.indexOf(d)));
  return { days, start: hhmm(window.start), end: hhmm(window.end), timeZone: window.timezone ?? 'UTC' };
}

function openAt(w: Compiled, local: LocalTime): boolean {
  const yesterday = (local.weekday + 6) % 7;
  if (w.start < w.end) return w.days.has(local.weekday) && local.minute >= w.start && local.minute < w.end;
  // Crosses midnight (or lasts a whole day when start === end): the evening of an allowed day,
  // or the early hours after one.
  return (w.days.has(local.weekday) && local.minute >= w.start) || (w.days.has(yesterday) && local.minute < w.end);
}

/** Is `at` inside one of the windows? No windows means always. */
export function isOpen(windows: readonly DeploymentWindow[] | undefined, at: number): boolean {
  if (!windows || windows.length === 0) return true;
  return windows.some((w) => {
    const c = compile(w);
    return openAt(c, localTime(at, c.timeZone));
  });
}

/** Wall-clock minutes from `local` to the next start of `w` (> 0). */
function minutesToNextStart(w: Compiled, local: LocalTime): number {
  let best = Infinity;
  for (let k = 0; k <= 7; k++) {
    if (!w.days.has((local.weekday + k) % 7)) continue;
    const delta = k * MINUTES_PER_DAY + w.start - local.minute;
    if (delta > 0 && delta < best) best = delta;
  }
  return best;
}

function offsetAt(at: number, timeZone: string): number {
  return localTime(at, timeZone).offset;
}

/** The first instant in (from, to] where the zone's offset differs from its offset at `from` (to the minute). */
function offsetChange(from: number, to: number, timeZone: string): number {
  const before = offsetAt(from, timeZone);
  let lo = from;
  let hi = to;
  while (hi - lo > MS_PER_MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  // Zones change offset on a whole UTC minute: the change is the minute `hi` falls in.
  return Math.max(from + 1, Math.floor(hi / MS_PER_MINUTE) * MS_PER_MINUTE);
}

/**
 * The first instant at or after `at` when a window is open: `at` itself when one is open now (or
 * there are no windows). Every valid window opens within a week, so the answer is finite.
 */
export function nextOpen(windows: readonly DeploymentWindow[] | undefined, at: number): number {
  if (!windows || windows.length === 0) return at;
  let best = Infinity;
  for (const window of windows) {
    const w = compile(window);
    let t = at;
    for (let jump = 0; jump < MAX_JUMPS && t < best; jump++) {
      const local = localTime(t, w.timeZone);
      if (openAt(w, local)) {
        best = Math.min(best, t);
        break;
      }
      const minutes = minutesToNextStart(w, local);
      if (!Number.isFinite(minutes)) break;
      const next = t - local.msInMinute + minutes * MS_PER_MINUTE;
      // Wall time moves with real time only while the offset holds: stop at a change and look again.
      t = offsetAt(next, w.timeZone) === local.offset ? next : offsetChange(t, next, w.timeZone);
    }
  }
  return best;
}

/** Whole seconds from `at` until a window opens (0 when one is open). */
export function secondsUntilOpen(windows: readonly DeploymentWindow[] | undefined, at: number): number {
  return Math.max(0, Math.ceil((nextOpen(windows, at) - at) / 1000));
}

/**
 * Rules zod does not check: the zone is an IANA zone `Intl` knows. Throws a ValidationError naming
 * the field (`windows[1].timezone`).
 */
export function checkWindows(windows: readonly DeploymentWindow[] | undefined, field = 'windows'): void {
  windows?.forEach((w, i) => {
    if (w.timezone !== undefined && !isTimeZone(w.timezone)) {
      throw ruleViolation('INVALID_REQUEST', `${field}[${i}].timezone`, 'must be an IANA time zone such as "Europe/Paris" or "UTC"', w.timezone);
    }
  });
}

/** `Mon–Fri 09:00–17:00 Europe/Paris` for messages. */
export function describeWindow(window: DeploymentWindow): string {
  const days = window.days && window.days.length < 7 ? `${window.days.join(',')} ` : '';
  return `${days}${window.start}–${window.end} ${window.timezone ?? 'UTC'}`;
}

/**
 * The instant at which the wall clock of `timeZone` shows the given local time (the earlier one
 * when the time occurs twice, the first instant after it when it is skipped).
 */
export function zonedTimeToEpoch(local: { year: number; month: number; day: number; hour: number; minute: number; second: number }, timeZone: string): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const first = wall - offsetAt(wall, timeZone) * MS_PER_MINUTE;
  const second = wall - offsetAt(first, timeZone) * MS_PER_MINUTE;
  const candidates = [first, second].filter((t) => t - wall + offsetAt(t, timeZone) * MS_PER_MINUTE === 0);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped by a daylight-saving jump: the local time does not exist; take the jump.
  return offsetChange(Math.min(first, second), Math.max(first, second), timeZone);
}
