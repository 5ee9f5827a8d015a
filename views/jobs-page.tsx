/** `/jobs`: every hunt, newest first, searchable and filterable, with a CSV export of what is shown. */
import type { JobFilters, JobRow } from '../src/web/job-rows.ts';
import { formatDuration } from '../src/web/dial-estimate.ts';
import { Layout } from './layout.tsx';
import { JOB_STATUS_LABEL } from './board/call-status.ts';
import { clockTime } from './board/clock.tsx';
import { SearchFilters } from './page-parts.tsx';

const STATUS_OPTIONS: [string, string][] = [
  ['', 'Any status'],
  ['active', 'Running'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
  ['failed', 'Failed'],
];

export function JobsPage(props: { rows: JobRow[]; filters: JobFilters }) {
  const query = new URLSearchParams({ ...(props.filters.q ? { q: props.filters.q } : {}), ...(props.filters.status ? { status: props.filters.status } : {}) }).toString();
  return (
    <Layout title="Jobs" section="jobs">
      <div class="page-head">
        <h1>Jobs</h1>
        <div class="page-actions">
          <a class="button primary" href="/hunts/new">
            Start a hunt
          </a>
          <a class="button secondary" href={`/jobs.csv${query ? `?${query}` : ''}`} download>
            Export CSV
          </a>
        </div>
      </div>
      <SearchFilters
        action="/jobs"
        q={props.filters.q}
        placeholder="job id, destination, outcome, operator"
        select={{ name: 'status', label: 'Status', options: STATUS_OPTIONS, value: props.filters.status }}
        formAttrs={{ 'hx-get': '/jobs', 'hx-target': '#jobs-table', 'hx-select': '#jobs-table', 'hx-swap': 'outerHTML', 'hx-push-url': 'true', 'hx-trigger': 'input changed delay:300ms from:#q, change from:#status, submit' }}
      />
      <div class="table-wrap" id="jobs-table">
        <table>
          <caption>{`${props.rows.length} job${props.rows.length === 1 ? '' : 's'}`}</caption>
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
              <th scope="col">Started by</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
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
                <td>{r.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="muted">No job matches.</p> : null}
      </div>
    </Layout>
  );
}
