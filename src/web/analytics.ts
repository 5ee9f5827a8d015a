/**
 * The firm's own hunt history turned into numbers: time to agent by hour and weekday (in the IRS's time zone by
 * default: its phone lines keep Eastern hours), the courtesy-disconnect rate, lines against time to agent, how
 * live agents were recognised, per-queue usage, and "best time to call" advice. Pure functions over hunt
 * summaries (`src/engine/hunt-summary.ts`), shared by the analytics page and `GET /api/v1/analytics`.
 */
import type { HuntSummary } from '../engine/hunt-summary.ts';

export const DEFAULT_TIME_ZONE = 'America/New_York';
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
/** A slot needs this many hunts with an agent before advice is given about it. */
export const MIN_SAMPLE = 3;

export interface Bucket {
  /** Hunts started in the bucket (ended ones). */
  hunts: number;
  /** Hunts that reached an agent. */
  reached: number;
  /** Median start-to-agent time of those, in minutes (one decimal); absent with none. */
  medianMinutes?: number;
  courtesyRate?: number;
}

export interface Analytics {
  timeZone: string;
  /** Ended hunts the numbers are about. */
  hunts: number;
  reached: number;
  medianMinutes?: number;
  byHour: Bucket[];
  byWeekday: Bucket[];
  courtesy: { disconnects: number; answered: number; rate?: number; byHour: (number | null)[] };
  /** One point per hunt that reached an agent; `byLines` has the median per line count. */
  linesVsTime: { points: { lines: number; minutes: number }[]; byLines: { lines: number; hunts: number; medianMinutes: number }[] };
  detection: { byDetector: number; byOperator: number; suspicions: number; suspicionsCleared: number; holdDrops: number; noAgent: number };
  queues: QueueUsage[];
  advice: Advice;
}

export interface QueueUsage {
  queue: string;
  hunts: number;
  transfers: number;
  /** Transfers per ended hunt for the queue (0..1); absent with none ended. */
  successRate?: number;
}

export interface Advice {
  /** Human sentences, best first. */
  lines: string[];
  best?: { weekday?: number; hour: number; medianMinutes: number; hunts: number };
  worst?: { weekday?: number; hour: number; medianMinutes: number; hunts: number };
}

/** Throws a RangeError for an unknown zone name (callers turn it into a 400/422). */
export function checkTimeZone(timeZone: string): string {
  new Intl.DateTimeFormat('en-US', { timeZone });
  return timeZone;
}

export function localHourAndWeekday(at: number, timeZone: string): { hour: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' }).formatToParts(new Date(at));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24;
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? 'Sun');
  return { hour, weekday };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid]) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const minutes = (ms: number) => Math.round(ms / 6_000) / 10;

function bucketOf(hunts: readonly HuntSummary[]): Bucket {
  const times = hunts.filter(reachedAgent).map((h) => h.timeToAgentMs as number);
  const answered = hunts.reduce((n, h) => n + h.answered, 0);
  const courtesy = hunts.reduce((n, h) => n + h.courtesyDisconnects, 0);
  const m = median(times);
  return { hunts: hunts.length, reached: times.length, ...(m === undefined ? {} : { medianMinutes: minutes(m) }), ...(answered > 0 ? { courtesyRate: courtesy / answered } : {}) };
}

function reachedAgent(h: HuntSummary): boolean {
  return h.outcome === 'transferred' && h.timeToAgentMs !== undefined;
}

export function queueUsage(summaries: readonly HuntSummary[]): QueueUsage[] {
  const byQueue = new Map<string, HuntSummary[]>();
  for (const s of summaries) if (s.queue) byQueue.set(s.queue, [...(byQueue.get(s.queue) ?? []), s]);
  return [...byQueue.entries()]
    .map(([queue, hunts]) => {
      const ended = hunts.filter((h) => h.outcome !== 'running');
      const transfers = hunts.filter((h) => h.outcome === 'transferred').length;
      return { queue, hunts: hunts.length, transfers, ...(ended.length > 0 ? { successRate: transfers / ended.length } : {}) };
    })
    .sort((a, b) => a.queue.localeCompare(b.queue, 'en', { numeric: true }));
}

export function analytics(all: readonly HuntSummary[], timeZone = DEFAULT_TIME_ZONE): Analytics {
  const ended = all.filter((h) => h.outcome !== 'running');
  const local = new Map(ended.map((h) => [h.id, localHourAndWeekday(h.createdAt, timeZone)]));
  const at = (h: HuntSummary) => local.get(h.id) as { hour: number; weekday: number };
  const byHour = Array.from({ length: 24 }, (_, hour) => bucketOf(ended.filter((h) => at(h).hour === hour)));
  const byWeekday = Array.from({ length: 7 }, (_, day) => bucketOf(ended.filter((h) => at(h).weekday === day)));
  const reached = ended.filter(reachedAgent);
  const overall = median(reached.map((h) => h.timeToAgentMs as number));
  const answered = ended.reduce((n, h) => n + h.answered, 0);
  const disconnects = ended.reduce((n, h) => n + h.courtesyDisconnects, 0);

  const lineCounts = [...new Set(reached.map((h) => h.lines))].sort((a, b) => a - b);
  const byLines = lineCounts.map((lines) => {
    const times = reached.filter((h) => h.lines === lines).map((h) => h.timeToAgentMs as number);
    return { lines, hunts: times.length, medianMinutes: minutes(median(times) as number) };
  });

  return {
    timeZone,
    hunts: ended.length,
    reached: reached.length,
    ...(overall === undefined ? {} : { medianMinutes: minutes(overall) }),
    byHour,
    byWeekday,
    courtesy: { disconnects, answered, ...(answered > 0 ? { rate: disconnects / answered } : {}), byHour: byHour.map((b) => b.courtesyRate ?? null) },
    linesVsTime: { points: reached.map((h) => ({ lines: h.lines, minutes: minutes(h.timeToAgentMs as number) })), byLines },
    detection: {
      byDetector: reached.filter((h) => h.confirmedBy === 'detector').length,
      byOperator: reached.filter((h) => h.confirmedBy !== undefined && h.confirmedBy !== 'detector').length,
      suspicions: ended.reduce((n, h) => n + h.suspicions, 0),
      suspicionsCleared: ended.reduce((n, h) => n + h.suspicionsCleared, 0),
      holdDrops: ended.reduce((n, h) => n + h.holdDrops, 0),
      noAgent: ended.length - reached.length,
    },
    queues: queueUsage(all),
    advice: advice(reached, at, overall, timeZone),
  };
}

function advice(reached: readonly HuntSummary[], at: (h: HuntSummary) => { hour: number; weekday: number }, overall: number | undefined, timeZone: string): Advice {
  if (overall === undefined || reached.length < MIN_SAMPLE) {
    return { lines: [`Not enough history yet: advice starts once ${MIN_SAMPLE} hunts in one hour of the day have reached an agent.`] };
  }
  type Slot = { weekday?: number; hour: number; medianMinutes: number; hunts: number };
  const slots = (key: (h: HuntSummary) => string, make: (h: HuntSummary) => Omit<Slot, 'medianMinutes' | 'hunts'>): Slot[] => {
    const groups = new Map<string, HuntSummary[]>();
    for (const h of reached) groups.set(key(h), [...(groups.get(key(h)) ?? []), h]);
    return [...groups.values()]
      .filter((g) => g.length >= MIN_SAMPLE)
      .map((g) => ({ ...make(g[0] as HuntSummary), hunts: g.length, medianMinutes: minutes(median(g.map((h) => h.timeToAgentMs as number)) as number) }))
      .sort((a, b) => a.medianMinutes - b.medianMinutes || b.hunts - a.hunts);
  };
  const hours = slots((h) => String(at(h).hour), (h) => ({ hour: at(h).hour }));
  const weekdayHours = slots((h) => `${at(h).weekday} ${at(h).hour}`, (h) => at(h));
  const zone = zoneWords(timeZone);
  const lines: string[] = [];
  const overallMinutes = minutes(overall);
  const bestSlot = weekdayHours[0];
  const bestHour = hours[0];
  if (bestSlot) lines.push(`Best time to call: ${WEEKDAYS[bestSlot.weekday as number]}s ${hourRange(bestSlot.hour)} ${zone} — a median of ${bestSlot.medianMinutes} min to an agent over ${bestSlot.hunts} hunts, against ${overallMinutes} min overall.`);
  if (bestHour) lines.push(`Best hour on any day: ${hourRange(bestHour.hour)} ${zone} (median ${bestHour.medianMinutes} min over ${bestHour.hunts} hunts).`);
  const worstHour = hours.length > 1 ? hours[hours.length - 1] : undefined;
  if (worstHour && worstHour.medianMinutes > overallMinutes) lines.push(`Avoid ${hourRange(worstHour.hour)} ${zone} if you can: a median of ${worstHour.medianMinutes} min over ${worstHour.hunts} hunts.`);
  if (lines.length === 0) lines.push(`No hour of the day has ${MIN_SAMPLE} hunts that reached an agent yet; the median so far is ${overallMinutes} min.`);
  const worst = worstHour ?? hours[hours.length - 1];
  return { lines, ...(bestSlot ? { best: bestSlot } : bestHour ? { best: bestHour } : {}), ...(worst ? { worst } : {}) };
}

export function hourRange(hour: number): string {
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return `${pad(hour)}–${pad(hour + 1)}`;
}

function zoneWords(timeZone: string): string {
  return timeZone === DEFAULT_TIME_ZONE ? 'Eastern time' : timeZone;
}
