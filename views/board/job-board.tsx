/**
 * The live part of a job's page, re-rendered on every engine step and swapped in over SSE: the hand-off banner,
 * the operator alert, counts per state, and a row per line.
 */
import type { CallStatus, JobView, TransferTargetLike } from './board-types.ts';
import type { HistoryEntry } from '../../src/engine/job-history.ts';
import { CALL_STATUS_LABEL, FINAL_JOB, JOB_STATUS_LABEL } from './call-status.ts';
import { clockTime, Elapsed } from './clock.tsx';
import { LineRow, TalkButton } from './line-row.tsx';
import { formatDuration } from '../../src/web/dial-estimate.ts';
import { TALKABLE } from '../../src/web/talk-route.ts';

export interface BoardModel {
  job: JobView;
  /** Latest history entries per call id, newest last. */
  recent: Map<string, HistoryEntry[]>;
  now: number;
}

const COUNTED: CallStatus[] = ['queued', 'dialing', 'ivr', 'holding', 'suspected-live', 'confirmed', 'transferring', 'transferred', 'failed', 'cleaned'];

export function targetWords(target: TransferTargetLike): string {
  if (target.kind === 'number') return target.phoneNumber;
  return `${target.kind === 'queue' ? 'queue' : 'extension'} ${target.extensionNumber}`;
}

/** An operator is needed: a suspected-live line awaiting confirmation, or the IRS voice check. */
export function alertKeys(job: JobView): string[] {
  if (FINAL_JOB.has(job.status)) return [];
  const keys = job.calls.filter((c) => c.status === 'suspected-live').map((c) => `suspect:${c.callId}:${c.since['suspected-live'] ?? 0}`);
  for (const alert of job.alerts) keys.push(`${alert.kind}:${alert.callId}:${alert.at}`);
  return keys;
}

export function JobBoard(props: { model: BoardModel }) {
  const { job, now } = props.model;
  const final = FINAL_JOB.has(job.status);
  const laneEnd = job.endedAt ?? now;
  const winner = job.calls.find((c) => c.callId === job.winnerCallId);
  const winnerIndex = winner ? job.calls.indexOf(winner) : -1;
  const counts = new Map<CallStatus, number>();
  for (const call of job.calls) counts.set(call.status, (counts.get(call.status) ?? 0) + 1);
  const suspects = job.calls.filter((c) => c.status === 'suspected-live');
  const keys = alertKeys(job);
  const lineNo = (callId: string) => job.calls.findIndex((c) => c.callId === callId) + 1;
  const lineBase = (callId: string) => `/jobs/${encodeURIComponent(job.id)}/calls/${encodeURIComponent(callId)}`;
  /** The line's talk URL when an operator can talk on it now (an audio line with someone on the far end). */
  const talkUrl = (callId: string) => {
    const call = job.calls.find((c) => c.callId === callId);
    return job.detection.mode === 'audio' && call?.telephonySessionId && TALKABLE.has(call.status) ? `${lineBase(callId)}/talk` : undefined;
  };
  return (
    <div class="board" data-job-status={job.status} data-final={final ? 'true' : 'false'}>
      {winner?.status === 'transferred' ? (
        <div class="banner win" role="alert" id="winner-banner" data-notify={`transferred:${job.id}`}>
          <strong>{`Transferred: line ${winnerIndex + 1} is with ${targetWords(job.spec.target)}`}</strong>
          {winner.since.transferred !== undefined
            ? ` at ${clockTime(winner.since.transferred)} UTC, ${formatDuration(winner.since.transferred - job.spec.createdAt)} after the hunt started.`
            : null}
        </div>
      ) : winner ? (
        <div class="banner connecting" role="status" id="winner-banner">
          <strong>{`Handing line ${winnerIndex + 1} to ${targetWords(job.spec.target)}…`}</strong>
        </div>
      ) : null}
      {keys.length > 0 ? (
        <div class="banner operator" role="alert" id="operator-alert" data-alert-keys={keys.join(' ')}>
          <strong>An operator is needed.</strong>
          <ul>
            {suspects.map((c) => (
              <li>
                {`Line ${lineNo(c.callId)} may have a live agent`}
                {c.confidence !== undefined ? ` (${Math.round(c.confidence * 100)}% confident)` : ''}
                {': listen, then '}
                <a href={`#confirm-${c.callId}`}>confirm it</a>.
              </li>
            ))}
            {job.alerts.map((a) => (
              <li>
                {`Line ${lineNo(a.callId)}: the IRS voice check (a person must answer it) since ${clockTime(a.at)} UTC. `}
                {talkUrl(a.callId) ? (
                  <>
                    {'Listen, then talk to answer it: '}
                    <a id={`alert-listen-${a.callId}`} class="button" href={`${lineBase(a.callId)}/listen.wav`} target="_blank" rel="noopener">
                      Listen
                    </a>{' '}
                    <TalkButton id={`alert-talk-${a.callId}`} url={talkUrl(a.callId) as string} line={lineNo(a.callId)} primary />{' '}
                  </>
                ) : null}
                <form class="inline" method="post" action={`/jobs/${job.id}/calls/${a.callId}/transfer-now`} hx-post={`/jobs/${job.id}/calls/${a.callId}/transfer-now`} hx-swap="none">
                  <button type="submit" class="primary" id={`take-${a.callId}`}>
                    Take this line
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {/* Talk-through's own status (static/talk.js writes it: microphone started, stopped and why). */}
      <p class="muted small" role="status" aria-live="polite" data-talk-status></p>
      {final ? null : (
        <form class="cancel" method="post" action={`/jobs/${encodeURIComponent(job.id)}/cancel`} hx-post={`/jobs/${encodeURIComponent(job.id)}/cancel`} hx-swap="none" hx-confirm="Cancel this hunt and hang up every line?">
          <button type="submit" class="danger" id="cancel-job">
            Cancel hunt
          </button>
        </form>
      )}
      <dl class="facts job-facts">
        <dt>Status</dt>
        <dd>
          <span class={`badge job-${job.status}`} id="job-status">
            {JOB_STATUS_LABEL[job.status]}
          </span>
          {job.outcome ? ` (${job.outcome})` : ''}
        </dd>
        <dt>Running for</dt>
        <dd>
          <Elapsed since={job.spec.createdAt} until={job.endedAt ?? (final ? now : undefined)} now={now} />
        </dd>
        <dt>Lines</dt>
        <dd>{`${job.calls.length} of ${job.spec.lines}`}</dd>
      </dl>
      <ul class="counts" aria-label="Lines by state">
        {COUNTED.filter((s) => counts.has(s)).map((s) => (
          <li class={`badge st-${s}`}>{`${CALL_STATUS_LABEL[s]}: ${counts.get(s) ?? 0}`}</li>
        ))}
      </ul>
      <div class="table-wrap">
        <table class="lines">
          <caption class="visually-hidden">Every line of this hunt</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Extension</th>
              <th scope="col">State</th>
              <th scope="col">In state</th>
              <th scope="col">On hold</th>
              <th scope="col">Confidence</th>
              <th scope="col">Path</th>
              <th scope="col">Last events</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {job.calls.map((call, index) => (
              <LineRow job={job} call={call} index={index} recent={props.model.recent.get(call.callId) ?? []} now={now} laneEnd={laneEnd} />
            ))}
          </tbody>
        </table>
      </div>
      {job.calls.length === 0 ? <p class="muted">No line has been dialled yet.</p> : null}
    </div>
  );
}
