/** A duration that keeps counting in the browser (dashboard.js ticks every element with data-since). */
import { formatDuration } from '../../src/web/dial-estimate.ts';

export function Elapsed(props: { since: number | undefined; until?: number | undefined; now: number; label?: string }) {
  if (props.since === undefined) return <span class="muted">—</span>;
  const end = props.until ?? props.now;
  return (
    <time class="elapsed" data-since={props.until === undefined ? String(props.since) : undefined} datetime={`PT${Math.max(0, Math.round((end - props.since) / 1000))}S`} aria-label={props.label}>
      {formatDuration(end - props.since)}
    </time>
  );
}

export function clockTime(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}
