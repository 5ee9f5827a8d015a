/**
 * Hunts as rows of the history page (`/jobs`) and its CSV export: outcome, time to agent, lines used, who ran it,
 * filtered by text, status, date range (UTC days), destination, outcome and operator. Rows are the hunts'
 * summaries (`src/engine/hunt-summary.ts`).
 */
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

/** The filters from a query string; a malformed date is reported, not silently dropped. */
export function parseJobFilters(get: (name: string) => string | undefined): { filters: JobFilters; errors: Partial<Record<'from' | 'to', string>> } {
  const text = (name: string) => (get(name) ?? '').trim();
  const filters: JobFilters = { q: text('q'), status: text('status'), from: text('from'), to: text('to'), destination: text('destination'), outcome: text('outcome'), by: text('by') };
  const errors: Partial<Record<'from' | 'to', string>> = {};
  for (const name of ['from', 'to'] as const) {
    if (filters[name] !== '' && (!DAY.test(filters[name]) || Number.isNaN(Date.parse(`${filters[name]}T00:00:00Z`)))) {
      errors[name] = `${name === 'from' ? 'From' : 'To'} must be a date such as 2026-11-26`;
      filters[name] = '';
    }
  }
  if (filters.from && filters.to && filters.from > filters.to) errors.to = 'To must not be before From';
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
