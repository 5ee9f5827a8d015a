/** One line of the live board: state, time in it, time on hold, confidence, latest events and the one-click actions. */
import type { CallView, JobView } from '../../src/engine/hunt-types.ts';
import type { HistoryEntry } from '../../src/engine/job-history.ts';
import { CALL_STATUS_LABEL, callEnded, canConfirm, FINAL_JOB, holdEnd } from './call-status.ts';
import { clockTime, Elapsed } from './clock.tsx';
import { describeEntry } from './history-item.tsx';
import { Swimlane } from './swimlane.tsx';
import { TALKABLE } from '../../src/web/talk-route.ts';

export function LineRow(props: { job: JobView; call: CallView; index: number; recent: HistoryEntry[]; now: number; laneEnd: number }) {
  const { job, call, now } = props;
  const base = `/jobs/${encodeURIComponent(job.id)}/calls/${encodeURIComponent(call.callId)}`;
  const live = !FINAL_JOB.has(job.status) && !callEnded(call.status);
  const winner = job.winnerCallId === call.callId;
  const voiceCheck = job.alerts.some((a) => a.callId === call.callId && a.kind === 'voice-check');
  const needsOperator = call.status === 'suspected-live' || job.alerts.some((a) => a.callId === call.callId);
  const entered = call.since[call.status];
  const confidence = call.confidence === undefined ? undefined : Math.round(call.confidence * 100);
  return (
    <tr id={`line-${call.callId}`} tabindex={0} aria-label={`Line ${props.index + 1}: ${CALL_STATUS_LABEL[call.status]}`} data-call={call.callId} class={`line st-row-${call.status}${winner ? ' winner' : ''}${needsOperator ? ' needs-operator' : ''}`} data-status={call.status}>
      <th scope="row">
        <a href={base}>{`Line ${props.index + 1}`}</a>
        <span class="muted small">{` ${call.callId}${call.attempt > 1 ? ` · try ${call.attempt}` : ''}`}</span>
      </th>
      <td>{call.extensionId ?? <span class="muted">—</span>}</td>
      <td>
        <span class={`badge st-${call.status}`}>{CALL_STATUS_LABEL[call.status]}</span>
        {call.endReason ? <span class="muted small">{` ${call.endReason}`}</span> : null}
      </td>
      <td>
        {callEnded(call.status) ? <span class="muted">—</span> : <Elapsed since={entered} now={now} />}
      </td>
      <td>
        <Elapsed since={call.since.holding} until={holdEnd(call)} now={now} />
      </td>
      <td>
        {confidence === undefined ? (
          <span class="muted">—</span>
        ) : (
          <>
            <meter min="0" max="100" low={30} high={60} optimum={100} value={confidence} aria-label={`Detection confidence ${confidence}%`}></meter>
            {` ${confidence}%`}
          </>
        )}
      </td>
      <td class="lane-cell">
        <Swimlane call={call} start={job.spec.createdAt} end={props.laneEnd} />
      </td>
      <td class="recent">
        <ul>
          {props.recent.map((e) => (
            <li>{`${clockTime(e.at)} ${describeEntry(e).replace(/^Line \S+: /, '')}`}</li>
          ))}
        </ul>
      </td>
      <td class="actions">
        {live ? (
          <>
            {canConfirm(call.status) ? (
              <form method="post" action={`${base}/confirm`} hx-post={`${base}/confirm`} hx-swap="none">
                <button id={`confirm-${call.callId}`} type="submit" aria-label={`Confirm live: line ${props.index + 1}`} class={needsOperator ? 'primary' : ''}>
                  Confirm live
                </button>
              </form>
            ) : null}
            {canConfirm(call.status) ? (
              <form method="post" action={`${base}/transfer-now`} hx-post={`${base}/transfer-now`} hx-swap="none">
                <button id={`transfer-${call.callId}`} type="submit" aria-label={`Transfer now: line ${props.index + 1}`}>
                  Transfer now
                </button>
              </form>
            ) : null}
            {job.detection.mode === 'audio' && call.telephonySessionId ? (
              // The line's audio as a live WAV stream: the browser's own player plays it (src/web/listen-route.ts).
              <a id={`listen-${call.callId}`} class="button" href={`${base}/listen.wav`} target="_blank" rel="noopener" aria-label={`Listen live: line ${props.index + 1}`}>
                Listen
              </a>
            ) : null}
            {job.detection.mode === 'audio' && call.telephonySessionId && TALKABLE.has(call.status) ? (
              // The operator's microphone onto the line (static/talk.js → src/web/talk-route.ts), e.g. to answer the IRS voice check.
              <TalkButton id={`talk-${call.callId}`} url={`${base}/talk`} line={props.index + 1} primary={voiceCheck} />
            ) : null}
            <form method="post" action={`${base}/hangup`} hx-post={`${base}/hangup`} hx-swap="none" hx-confirm={`Hang up line ${props.index + 1}?`}>
              <button id={`hangup-${call.callId}`} type="submit" aria-label={`Hang up: line ${props.index + 1}`} class="danger">
                Hang up
              </button>
            </form>
          </>
        ) : null}
      </td>
    </tr>
  );
}

/** Talk: static/talk.js sends the microphone to `url` while pressed (its label and aria-pressed follow). */
export function TalkButton(props: { id: string; url: string; line: number; primary?: boolean }) {
  return (
    <button type="button" id={props.id} class={props.primary ? 'primary' : ''} data-talk={props.url} data-line={`line ${props.line}`} aria-pressed="false" aria-label={`Talk on line ${props.line}: your microphone goes to the line`}>
      Talk
    </button>
  );
}
