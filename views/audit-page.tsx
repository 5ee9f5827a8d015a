/** `/audit` (admins): who did what and when, newest first, filterable by user and action, paged back by id. */
import type { AuditEntry } from '../src/web/auth/audit-log.ts';
import { Layout } from './layout.tsx';

export interface AuditModel {
  entries: AuditEntry[];
  filters: { actor: string; action: string };
  /** Id to page back from, when there may be older entries. */
  older?: string;
}

export function AuditPage(props: { model: AuditModel }) {
  const m = props.model;
  const olderHref = m.older ? `/audit?${new URLSearchParams({ ...m.filters, before: m.older }).toString()}` : undefined;
  return (
    <Layout title="Audit log" section="audit">
      <h1>Audit log</h1>
      <form method="get" action="/audit" class="filters" role="search">
        <label for="actor">User</label>
        <input id="actor" name="actor" type="text" value={m.filters.actor} />
        <label for="action">Action starts with</label>
        <input id="action" name="action" type="text" value={m.filters.action} placeholder="job., user., settings." />
        <button type="submit">Filter</button>
      </form>
      <div class="table-wrap">
        <table id="audit-table" class="audit">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">User</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Result</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {m.entries.map((e) => (
              <tr>
                <td>{new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
                <td>{e.outcome}</td>
                <td>{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {m.entries.length === 0 ? <p>No entries.</p> : null}
      {olderHref ? (
        <p>
          <a href={olderHref}>Older entries</a>
        </p>
      ) : null}
    </Layout>
  );
}
