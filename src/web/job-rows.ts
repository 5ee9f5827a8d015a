/**
 * Hunts as rows of the history page (`/jobs`) and its CSV export: outcome, time to agent, lines used, who ran it,
 * filtered by text, status, date range (UTC days), destination, outcome and operator. Rows are the hunts'
 * summaries (`src/engine/hunt-summary.ts`).
 */
import { z } from 'zod';
import type { HuntSummary } from '../engine/hunt-summary.ts';

export type JobRow = HuntSummary;

export interface JobFilters {
  q: string;
  status: string;
  /** YYYY-MM-DD (UTC), inclusive. */
  from: string;
  to: string;
  destination: string;
  outcome: string;
  by: string;
}

export const NO_FILTERS: JobFilters = { q: '', status: '', from: '', to: '', destination: '', outcome: '', by: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const isDay = (value: string): boolean => DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
/** A filter as typed: trimmed, bounded (junk beyond 200 characters filters nothing). */
const filterText = z.string().trim().max(200).catch('').default('');
const dayFilter = (label: string) => filterText.refine((v) => v === '' || isDay(v), { error: `${label} must be a date such as 2026-11-26` });

const jobFilterText = z.object({ q: filterText, status: filterText, from: filterText, to: filterText, destination: filterText, outcome: filterText, by: filterText });
/** `GET /jobs`, `/jobs.csv` and `/analytics`: the history filters; a malformed date is reported, not dropped silently. */
export const jobFiltersQuery = jobFilterText
  .extend({ from: dayFilter('From'), to: dayFilter('To') })
  .refine((f) => !(f.from && f.to && f.from > f.to), { error: 'To must not be before From', path: ['to'] });

export type JobFilterErrors = Partial<Record<'from' | 'to', string>>;

/** The filters from a query string, and the date problems to show next to the fields (a bad date filters nothing). */
export function parseJobFilters(query: Record<string, string | undefined>): { filters: JobFilters; errors: JobFilterErrors } {
  const parsed = jobFiltersQuery.safeParse(query);
  if (parsed.success) return { filters: parsed.data, errors: {} };
  const errors: JobFilterErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'from' || field === 'to') errors[field] ??= issue.message;
  }
  const typed = jobFilterText.parse(query);
  const filters: JobFilters = { ...typed, from: isDay(typed.from) ? typed.from : '', to: isDay(typed.to) ? typed.to : '' };
  return { filters, errors };
}

export function filterRows(rows: JobRow[], filters: JobFilters): JobRow[] {
  const q = filters.q.toLowerCase();
  const from = filters.from ? Date.parse(`${filters.from}T00:00:00Z`) : -Infinity;
  const to = filters.to ? Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS : Infinity;
  return rows.filter(
    (r) =>
      (filters.status === '' || r.status === filters.status || (filters.status === 'active' && r.outcome === 'running')) &&
      r.createdAt >= from &&
      r.createdAt < to &&
      (filters.destination === '' || r.destinationId === filters.destination) &&
      (filters.outcome === '' || r.outcome === filters.outcome) &&
      (filters.by === '' || r.createdBy === filters.by) &&
      (q === '' || [r.id, r.destination, r.outcome, r.createdBy, r.target, r.pool ?? ''].some((v) => v.toLowerCase().includes(q))),
  );
}

/** The filters as a query string (for the CSV link and the page's URL). */
export function filterQuery(filters: JobFilters): string {
  return new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
}

/** RFC 4180: every field quoted, quotes doubled; a leading =, +, - or @ is prefixed with ' (no formula injection). */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export const CSV_HEADER = [
  'job_id',
  'started_at_utc',
  'destination',
  'status',
  'outcome',
  'time_to_agent_seconds',
  'lines',
  'dials',
  'started_by',
  'target',
  'queue',
  'pool',
  'answered',
  'courtesy_disconnects',
  'hold_drops',
  'confirmed_by',
];

export function jobsCsv(rows: JobRow[]): string {
  const lines = rows.map((r) =>
    [
      r.id,
      new Date(r.createdAt).toISOString(),
      r.destination,
      r.status,
      r.outcome,
      r.timeToAgentMs === undefined ? undefined : Math.round(r.timeToAgentMs / 1000),
      r.lines,
      r.dials,
      r.createdBy,
      r.target,
      r.queue,
      r.pool,
      r.answered,
      r.courtesyDisconnects,
      r.holdDrops,
      r.confirmedBy,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_HEADER.join(','), ...lines].join('\r\n')}\r\n`;
}
