/**
 * `/jobs/:id/calls/:callId`: one line's path through its statechart (every history entry) and the detection
 * decisions that moved it, with a confidence chart over the line's audio time.
 */
import type { CallView, JobView } from '../src/engine/hunt-types.ts';
import type { HistoryEntry } from '../src/engine/job-history.ts';
import type { DetectionRecord } from '../src/engine/line-listening.ts';
import { formatDuration } from '../src/web/dial-estimate.ts';
import { Layout } from './layout.tsx';
import { CALL_STATUS_LABEL } from './board/call-status.ts';
import { clockTime } from './board/clock.tsx';
import { Swimlane } from './board/swimlane.tsx';

function ConfidenceChart(props: { detections: DetectionRecord[] }) {
  const live = props.detections.filter((d) => d.mode === 'live');
  if (live.length === 0) return null;
  const maxT = Math.max(1, ...live.map((d) => d.t));
  const points = live.map((d) => `${((d.t / maxT) * 100).toFixed(2)},${(40 - d.confidence * 40).toFixed(2)}`).join(' ');
  const last = live[live.length - 1];
  return (
    <figure class="chart">
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={`Detection confidence over ${Math.round(maxT)} s of audio, last ${Math.round((last?.confidence ?? 0) * 100)}%`}>
        <polyline class="spark" points={points} fill="none" />
      </svg>
      <figcaption>{`Confidence (0 to 100%) over the line's audio, 0 to ${Math.round(maxT)} s`}</figcaption>
    </figure>
  );
}

function evidenceWords(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function CallTimelinePage(props: { job: JobView; call: CallView; index: number; history: HistoryEntry[]; detections: DetectionRecord[] }) {
  const { job, call } = props;
  const start = job.spec.createdAt;
  const end = job.endedAt ?? Date.now();
  return (
    <Layout title={`Line ${props.index + 1} of ${job.id}`} section="jobs">
      <p>
        <a href={`/jobs/${encodeURIComponent(job.id)}`}>{`← Hunt ${job.id}`}</a>
      </p>
      <h1>{`Line ${props.index + 1} (${call.callId})`}</h1>
      <dl class="facts">
        <dt>State now</dt>
        <dd>{CALL_STATUS_LABEL[call.status]}</dd>
        <dt>Attempt</dt>
        <dd>{call.attempt}</dd>
        <dt>Extension</dt>
        <dd>{call.extensionId ?? '—'}</dd>
        {call.endReason ? (
          <>
            <dt>Ended because</dt>
            <dd>{call.endReason}</dd>
          </>
        ) : null}
      </dl>
      <Swimlane call={call} start={start} end={end} />
      <section aria-labelledby="path-heading">
        <h2 id="path-heading">Path through the statechart</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">At (UTC)</th>
              <th scope="col">Since start</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">On event</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {props.history.map((h) => (
              <tr>
                <td>{clockTime(h.at)}</td>
                <td>{formatDuration(h.at - start)}</td>
                <td>{h.from ?? '—'}</td>
                <td>{h.to}</td>
                <td>{h.event}</td>
                <td>{h.detail ? JSON.stringify(h.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="detection-heading">
        <h2 id="detection-heading">Detection evidence</h2>
        {props.detections.length === 0 ? (
          <p class="muted">{job.detection.mode === 'manual' ? 'This hunt is manual-confirm: no audio detection ran on its lines.' : 'No detection decision on this line.'}</p>
        ) : (
          <>
            <ConfidenceChart detections={props.detections} />
            <table>
              <thead>
                <tr>
                  <th scope="col">Audio time</th>
                  <th scope="col">At (UTC)</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Settings</th>
                  <th scope="col">Evidence</th>
                </tr>
              </thead>
              <tbody>
                {props.detections.map((d) => (
                  <tr>
                    <td>{`${d.t.toFixed(1)} s`}</td>
                    <td>{clockTime(d.at)}</td>
                    <td>{`${d.event}${d.mode === 'shadow' ? ' (shadow)' : ''}`}</td>
                    <td>{`${Math.round(d.confidence * 100)}%`}</td>
                    <td>{`v${d.settingsVersion}`}</td>
                    <td class="small">{evidenceWords(d.evidence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </Layout>
  );
}
