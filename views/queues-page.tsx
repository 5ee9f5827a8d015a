/** `/queues`: the firm's call queues as synced, the default hand-off target, and per-queue transfer numbers. */
import type { HuntQueue } from '../src/engine/extension-directory.ts';
import { Layout } from './layout.tsx';
import type { FieldErrors } from './form-field.tsx';
import { Notice, SyncButton } from './page-parts.tsx';
import type { QueueUsage } from '../src/web/analytics.ts';

export interface QueuesModel {
  queues: HuntQueue[];
  defaultExtension?: string;
  overrides: Record<string, string>;
  /** Usage from the hunt history, by queue extension number. */
  usage: Record<string, QueueUsage>;
  notice?: string;
  errors: FieldErrors;
}

export function QueuesPage(props: { model: QueuesModel }) {
  const m = props.model;
  return (
    <Layout title="Queues" section="queues">
      <div class="page-head">
        <h1>Call queues</h1>
        <SyncButton id="sync-queues" back="queues" />
      </div>
      <Notice text={m.notice} />
      <p class="hint">
        The winning call is handed to the default queue unless a hunt names another target. A transfer number, when set, is dialled instead of the queue's extension (it survives syncs). Usage counts hunts started for each queue and how many ended with the agent transferred to it.
      </p>
      <div class="table-wrap">
        <table id="queues-table">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Name</th>
              <th scope="col">Default</th>
              <th scope="col">Transfer number</th>
              <th scope="col">Transfers handed to it</th>
              <th scope="col">Success rate</th>
            </tr>
          </thead>
          <tbody>
            {m.queues.map((q) => {
              const field = `number-${q.extensionNumber}`;
              const error = m.errors[field];
              const usage = m.usage[q.extensionNumber];
              return (
                <tr id={`queue-${q.extensionNumber}`}>
                  <th scope="row">{q.extensionNumber}</th>
                  <td>{q.name}</td>
                  <td>
                    {m.defaultExtension === q.extensionNumber ? (
                      <strong class="ok">Default</strong>
                    ) : (
                      <form method="post" action={`/queues/${q.extensionNumber}/default`}>
                        <button type="submit" id={`default-${q.extensionNumber}`} aria-label={`Make default: queue ${q.extensionNumber}`}>
                          Make default
                        </button>
                      </form>
                    )}
                  </td>
                  <td>
                    <form method="post" action={`/queues/${q.extensionNumber}/number`} class="inline-field">
                      <label class="visually-hidden" for={field}>{`Transfer number for queue ${q.extensionNumber}`}</label>
                      <input
                        id={field}
                        name="phoneNumber"
                        type="text"
                        inputmode="tel"
                        placeholder="+12125550123"
                        value={m.overrides[q.extensionNumber] ?? ''}
                        aria-invalid={error ? 'true' : undefined}
                        aria-describedby={error ? `${field}-error` : undefined}
                      />
                      <button type="submit" id={`save-${q.extensionNumber}`} aria-label={`Save transfer number of queue ${q.extensionNumber}`}>
                        Save
                      </button>
                      {error ? (
                        <p class="error" id={`${field}-error`}>
                          {error}
                        </p>
                      ) : null}
                    </form>
                  </td>
                  <td class="usage">{usage ? `${usage.transfers} of ${usage.hunts} hunt${usage.hunts === 1 ? '' : 's'}` : <span class="muted">none yet</span>}</td>
                  <td>{usage?.successRate === undefined ? '—' : `${Math.round(usage.successRate * 100)}%`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {m.queues.length === 0 ? <p class="muted">No call queue synced yet: sync from RingCentral.</p> : null}
      </div>
    </Layout>
  );
}
