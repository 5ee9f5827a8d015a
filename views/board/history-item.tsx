/** One line of a job's event log: which actor moved from which state to which, on what event. */
import type { HistoryEntry } from '../../src/engine/job-history.ts';
import { clockTime } from './clock.tsx';

export function describeEntry(entry: HistoryEntry): string {
  const who = entry.actor === 'job' ? 'Job' : `Line ${entry.actor}`;
  const move = entry.from ? `${entry.from} → ${entry.to}` : entry.to;
  const reason = typeof entry.detail?.endReason === 'string' ? ` (${entry.detail.endReason})` : '';
  return `${who}: ${move} on ${entry.event}${reason}`;
}

export function HistoryItem(props: { id: string; entry: HistoryEntry }) {
  return (
    <li id={`h-${props.id.replace('-', '_')}`}>
      <time datetime={new Date(props.entry.at).toISOString()}>{`${clockTime(props.entry.at)} UTC`}</time> {describeEntry(props.entry)}
    </li>
  );
}
