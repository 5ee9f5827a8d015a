/** Jobs as rows of the jobs list and its CSV export: outcome, time to agent, lines used, who ran it. */
import type { JobView } from '../engine/hunt-types.ts';
import type { JobStatus } from '../engine/hunt-types.ts';

export interface JobRow {
  id: string;
  createdAt: number;
  destination: string;
  status: JobStatus;
  outcome: string;
  /** Milliseconds from start to the winner's hand-off (transferred, else confirmed), when there was one. */
  timeToAgentMs?: number;
  lines: number;
  /** Calls placed, redials included. */
  dials: number;
  by: string;
}

export function jobRows(views: JobView[]): JobRow[] {
  return views
    .map((job) => {
      const winner = job.calls.find((c) => c.callId === job.winnerCallId);
      const agentAt = winner?.since.transferred ?? winner?.since.confirmed;
      return {
        id: job.id,
        createdAt: job.spec.createdAt,
        destination: job.spec.destination.name,
        status: job.status,
        outcome: job.outcome ?? (winner?.status === 'transferred' ? 'transferred' : job.status),
        ...(agentAt !== undefined ? { timeToAgentMs: agentAt - job.spec.createdAt } : {}),
        lines: job.spec.lines,
        dials: job.calls.reduce((sum, c) => sum + c.attempt, 0),
        by: job.spec.createdBy,
      };
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

export interface JobFilters {
  q: string;
  status: string;
}

export function filterRows(rows: JobRow[], filters: JobFilters): JobRow[] {
  const q = filters.q.toLowerCase();
  return rows.filter(
    (r) =>
      (filters.status === '' || r.status === filters.status || (filters.status === 'active' && !['completed', 'cancelled', 'failed'].includes(r.status))) &&
      (q === '' || [r.id, r.destination, r.outcome, r.by].some((v) => v.toLowerCase().includes(q))),
  );
}

/** RFC 4180: every field quoted, quotes doubled; a leading =, +, - or @ is prefixed with ' (no formula injection). */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function jobsCsv(rows: JobRow[]): string {
  const header = ['job_id', 'started_at_utc', 'destination', 'status', 'outcome', 'time_to_agent_seconds', 'lines', 'dials', 'started_by'];
  const lines = rows.map((r) =>
    [r.id, new Date(r.createdAt).toISOString(), r.destination, r.status, r.outcome, r.timeToAgentMs === undefined ? undefined : Math.round(r.timeToAgentMs / 1000), r.lines, r.dials, r.by].map(csvField).join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
