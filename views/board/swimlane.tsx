/** A line's states over time as coloured bars (an SVG; no inline styles, so a strict CSP allows it). */
import type { CallView } from '../../src/engine/hunt-types.ts';
import { CALL_STATUS_LABEL, path } from './call-status.ts';

export function Swimlane(props: { call: CallView; start: number; end: number }) {
  const span = Math.max(1, props.end - props.start);
  const steps = path(props.call);
  const x = (t: number) => Math.max(0, Math.min(100, ((t - props.start) / span) * 100));
  const words = steps.map((s) => CALL_STATUS_LABEL[s.status]).join(' → ');
  return (
    <svg class="lane" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`Path: ${words || 'not started'}`}>
      {steps.map((s, i) => {
        const from = x(s.at);
        const to = x(steps[i + 1]?.at ?? props.end);
        return <rect class={`st-${s.status}`} x={from.toFixed(2)} y="0" width={Math.max(0.3, to - from).toFixed(2)} height="10" />;
      })}
    </svg>
  );
}
