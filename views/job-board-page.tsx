/** `/jobs/:id`: the live job board. The board and the event log stay live over SSE (`/jobs/:id/events`). */
import type { HistoryEntry } from '../src/engine/job-history.ts';
import { Layout } from './layout.tsx';
import { JobBoard, targetWords } from './board/job-board.tsx';
import type { BoardModel } from './board/job-board.tsx';
import { clockTime } from './board/clock.tsx';
import { HistoryItem } from './board/history-item.tsx';

export interface JobBoardPageModel extends BoardModel {
  /** The newest history entries (stream id, entry), newest first. */
  log: { id: string; entry: HistoryEntry }[];
  /** The history stream id the page reflects: the SSE stream resumes after it. */
  lastId: string | undefined;
}

export function JobBoardPage(props: { model: JobBoardPageModel }) {
  const { job } = props.model;
  const id = encodeURIComponent(job.id);
  const events = `/jobs/${id}/events${props.model.lastId ? `?after=${encodeURIComponent(props.model.lastId)}` : ''}`;
  return (
    <Layout title={`Hunt ${job.id}`} section="jobs">
      <div class="page-head">
        <h1>{`Hunt ${job.id}`}</h1>
        <div class="page-actions">
          <button type="button" id="enable-alerts" class="secondary" data-enable-alerts>
            Turn on sound and notifications
          </button>
        </div>
      </div>
      <dl class="facts">
        <dt>Calling</dt>
        <dd>{`${job.spec.destination.name} (${job.spec.destination.phoneNumber})`}</dd>
        <dt>Hand-off to</dt>
        <dd>{`${targetWords(job.spec.target)} by ${job.spec.handoff === 'standby-bridge' ? 'standby bridge' : 'blind transfer'}`}</dd>
        <dt>Started</dt>
        <dd>{`${new Date(job.spec.createdAt).toISOString().slice(0, 10)} ${clockTime(job.spec.createdAt)} UTC by ${job.spec.createdBy}`}</dd>
        <dt>Gives up at</dt>
        <dd>{`${clockTime(job.spec.deadlineAt)} UTC`}</dd>
        <dt>Detection</dt>
        <dd id="detection-note">{job.detection.note}</dd>
      </dl>
      <p class="hint" id="keys-hint">
        Keys: focus a line (Tab, or J and K to move), then C confirms it live, T transfers it now, H hangs it up.
      </p>
      <div hx-ext="sse" sse-connect={events} id="live">
        <p class="muted small" id="live-status" aria-live="polite">
          Live updates connecting…
        </p>
        <div id="board" sse-swap="board" hx-target="this" hx-swap="innerHTML">
          <JobBoard model={props.model} />
        </div>
        <section aria-labelledby="log-heading">
          <h2 id="log-heading">Events</h2>
          <ol id="event-log" class="log" reversed sse-swap="log" hx-target="this" hx-swap="afterbegin">
            {props.model.log.map((item) => (
              <HistoryItem id={item.id} entry={item.entry} />
            ))}
          </ol>
        </section>
      </div>
    </Layout>
  );
}
