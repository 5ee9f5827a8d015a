/**
 * `/jobs`, the history: every hunt, newest first, searchable and filterable by status, date range, destination,
 * outcome and who ran it, with a CSV export of exactly what is shown.
 */
import type { JobFilters, JobRow } from '../src/web/job-rows.ts';
import { filterQuery } from '../src/web/job-rows.ts';
import { formatDuration } from '../src/web/dial-estimate.ts';
import { Layout } from './layout.tsx';
import { JOB_STATUS_LABEL } from './board/call-status.ts';
import { clockTime } from './board/clock.tsx';
import { FilterSelectField } from './page-parts.tsx';
import type { FieldErrors } from './form-field.tsx';
import { invalidAttrs } from './form-field.tsx';

const STATUS_OPTIONS: [string, string][] = [
  ['', 'Any status'],
  ['active', 'Running'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
  ['failed', 'Failed'],
];

/** More rows than this make a slow page: the newest are shown, the CSV has them all. */
export const JOBS_PAGE_ROWS = 500;

export interface JobsModel {
  rows: JobRow[];
  filters: JobFilters;
  errors: FieldErrors;
  /** Choices for the selects, from the hunts on record. */
  destinations: [string, string][];
  outcomes: string[];
  operators: string[];
}

export function JobsPage(props: { model: JobsModel }) {
  const { rows, filters, errors } = props.model;
  const query = filterQuery(filters);
  const live = 'input changed delay:300ms from:#q, change from:.filters select, change from:.filters input[type=date], submit';
  return (
    <Layout title="Jobs" section="jobs">
      <div class="page-head">
        <h1>Jobs</h1>
        <div class="page-actions">
          <a class="button primary" href="/hunts/new">
            Start a hunt
          </a>
          <a class="button secondary" href="/analytics">
            Analytics
          </a>
        </div>
      </div>
      <form method="get" action="/jobs" class="filters" role="search" hx-get="/jobs" hx-target="#jobs-results" hx-select="#jobs-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger={live}>
        <div class="field">
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={filters.q} placeholder="job id, destination, target, operator" />
        </div>
        <FilterSelectField select={{ name: 'status', label: 'Status', options: STATUS_OPTIONS, value: filters.status }} />
        <div class={`field${errors.from ? ' has-error' : ''}`}>
          <label for="from">From (UTC)</label>
          <input id="from" name="from" type="date" value={filters.from} {...invalidAttrs('from', errors)} />
          {errors.from ? (
            <p class="error" id="from-error">
              {errors.from}
            </p>
          ) : null}
        </div>
        <div class={`field${errors.to ? ' has-error' : ''}`}>
          <label for="to">To (UTC)</label>
          <input id="to" name="to" type="date" value={filters.to} {...invalidAttrs('to', errors)} />
          {errors.to ? (
            <p class="error" id="to-error">
              {errors.to}
            </p>
          ) : null}
        </div>
        <FilterSelectField select={{ name: 'destination', label: 'Destination', options: [['', 'Any destination'], ...props.model.destinations], value: filters.destination }} />
        <FilterSelectField select={{ name: 'outcome', label: 'Outcome', options: [['', 'Any outcome'], ...props.model.outcomes.map((o): [string, string] => [o, o])], value: filters.outcome }} />
        <FilterSelectField select={{ name: 'by', label: 'Run by', options: [['', 'Anyone'], ...props.model.operators.map((o): [string, string] => [o, o])], value: filters.by }} />
        <button type="submit">Filter</button>
      </form>
      <div id="jobs-results">
        <p class="page-actions">
          <a class="button secondary" id="export-csv" href={`/jobs.csv${query ? `?${query}` : ''}`} download>
            Export CSV
          </a>
          <span class="hint">The export holds exactly the hunts shown, with every column.</span>
        </p>
        <div class="table-wrap" id="jobs-table">
          <table>
            <caption>{`${rows.length} job${rows.length === 1 ? '' : 's'}${rows.length > JOBS_PAGE_ROWS ? ` (the newest ${JOBS_PAGE_ROWS} shown; the CSV export has them all)` : ''}`}</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Started (UTC)</th>
                <th scope="col">Destination</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
                <th scope="col">Time to agent</th>
                <th scope="col">Lines</th>
                <th scope="col">Dials</th>
                <th scope="col">Handed to</th>
                <th scope="col">Run by</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, JOBS_PAGE_ROWS).map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/jobs/${encodeURIComponent(r.id)}`}>{r.id}</a>
                  </th>
                  <td>{`${new Date(r.createdAt).toISOString().slice(0, 10)} ${clockTime(r.createdAt)}`}</td>
                  <td>{r.destination}</td>
                  <td>
                    <span class={`badge job-${r.status}`}>{JOB_STATUS_LABEL[r.status]}</span>
                  </td>
                  <td>{r.outcome}</td>
                  <td>{r.timeToAgentMs === undefined ? '—' : formatDuration(r.timeToAgentMs)}</td>
                  <td>{r.lines}</td>
                  <td>{r.dials}</td>
                  <td>{r.queue ? `queue ${r.queue}` : r.target}</td>
                  <td>{r.createdBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p class="muted">No job matches.</p> : null}
        </div>
      </div>
    </Layout>
  );
}
