/**
 * The PPS calendar: opening hours in the caller's local time and the load factor (0..1) that drives the
 * courtesy-disconnect probability, the hold-time median and the hold-drop hazard.
 */
import type { CalendarParams } from './scenario.ts';

export interface LocalTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  timeZone: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of `epochMs` in `timeZone` (IANA). */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    timeZone,
  };
}

/** Epoch ms of a local wall time 'YYYY-MM-DDTHH:mm' in `timeZone`. */
export function zonedEpoch(local: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new Error(`expected a local time like 2026-03-03T10:00, got "${local}"`);
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the zone offset (the second matters only next to a DST change).
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const lt = localTime(guess, timeZone);
    const shownAsUtc = Date.UTC(lt.year, lt.month - 1, lt.day, lt.hour, lt.minute);
    guess += asUtc - shownAsUtc;
  }
  return guess;
}

export function describeLocalTime(lt: LocalTime): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${lt.year}-${pad(lt.month)}-${pad(lt.day)}`;
  return `${WEEKDAYS[lt.weekday]} ${date} ${pad(lt.hour)}:${pad(lt.minute)} ${lt.timeZone}`;
}

const FOLLOWS_PACIFIC =
  /^(America\/(Anchorage|Juneau|Sitka|Yakutat|Nome|Metlakatla|Adak)|Pacific\/Honolulu|US\/(Alaska|Hawaii|Aleutian))$/;

/** The zone whose clock sets the caller's PPS hours: Alaska and Hawaii follow Pacific time (irs.gov). */
export function officeTimeZone(callerTimeZone: string): string {
  return FOLLOWS_PACIFIC.test(callerTimeZone) ? 'America/Los_Angeles' : callerTimeZone;
}

/** Whether the line takes calls at `epochMs` (model time). */
export function isOpen(calendar: CalendarParams, epochMs: number): boolean {
  const zone = officeTimeZone(calendar.timeZone);
  const lt = localTime(epochMs, zone);
  const minute = lt.hour * 60 + lt.minute;
  const [open, close] = zone === 'America/Puerto_Rico' ? calendar.puertoRicoHours : calendar.hours;
  return calendar.openWeekdays.includes(lt.weekday) && minute >= open && minute < close;
}

/** Load factor 0..1 at `epochMs`: month x weekday x hour-of-day, in the caller's local time. */
export function loadFactor(calendar: CalendarParams, epochMs: number): number {
  const lt = localTime(epochMs, officeTimeZone(calendar.timeZone));
  const month = calendar.monthLoad[lt.month - 1] ?? 0;
  const load = month * (calendar.weekdayLoad[lt.weekday] ?? 0) * (calendar.hourLoad[lt.hour] ?? 0);
  return Math.max(0, Math.min(1, load));
}

/** Whether `epochMs` falls in the practitioners' "too busy" window (Pacific time, unverified claim). */
export function inTooBusyWindow(calendar: CalendarParams, epochMs: number): boolean {
  const lt = localTime(epochMs, 'America/Los_Angeles');
  const minute = lt.hour * 60 + lt.minute;
  return minute >= calendar.tooBusyWindowPacific[0] && minute < calendar.tooBusyWindowPacific[1];
}
