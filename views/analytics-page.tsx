/**
 * `/analytics`: charts of the firm's own hunt history (chart.js, served by us) with "best time to call" advice.
 * No inline script: each chart's data rides in its canvas's `data-chart` attribute and `/static/analytics.js`
 * draws it; every chart also has its numbers as a table for screen readers and for when scripts are off.
 */
import type { Analytics, Bucket } from '../src/web/analytics.ts';
import { hourRange, WEEKDAYS } from '../src/web/analytics.ts';
import type { JobFilters } from '../src/web/job-rows.ts';
import { filterQuery } from '../src/web/job-rows.ts';
import { Layout } from './layout.tsx';
import { FilterSelectField } from './page-parts.tsx';
import type { FieldErrors } from './form-field.tsx';
import { invalidAttrs } from './form-field.tsx';

export const TIME_ZONES: [string, string][] = [
  ['America/New_York', 'Eastern (IRS hours)'],
  ['America/Chicago', 'Central'],
  ['America/Denver', 'Mountain'],
  ['America/Los_Angeles', 'Pacific'],
  ['UTC', 'UTC'],
];

export interface AnalyticsModel {
  data: Analytics;
  filters: JobFilters;
  errors: FieldErrors;
  destinations: [string, string][];
}

/** What `analytics.js` reads from a canvas: a chart kind, category labels or points, and its series. */
export interface ChartSpec {
  kind: 'bar' | 'line' | 'scatter' | 'doughnut';
  labels?: string[];
  series: { label: string; data: (number | null | { x: number; y: number })[]; axis?: 'y' | 'y2'; kind?: 'bar' | 'line' }[];
  x?: string;
  y?: string;
  y2?: string;
  percent?: boolean;
}

const pct = (r: number | undefined) => (r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);
const mins = (m: number | undefined) => (m === undefined ? '—' : `${m} min`);

export function AnalyticsPage(props: { model: AnalyticsModel }) {
  const { data: a, filters, errors } = props.model;
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const query = filterQuery(filters);
  return (
    <Layout title="Analytics" section="analytics">
      <div class="page-head">
        <h1>Analytics</h1>
        <a class="button secondary" href={`/api/v1/analytics${query ? `?${query}` : ''}`}>
          JSON (API)
        </a>
      </div>
      <form method="get" action="/analytics" class="filters" role="search">
        <div class={`field${errors.from ? ' has-error' : ''}`}>
          <label for="from">From (UTC day)</label>
          <input id="from" name="from" type="date" value={filters.from} {...invalidAttrs('from', errors)} />
          {errors.from ? <p class="error" id="from-error">{errors.from}</p> : null}
        </div>
        <div class={`field${errors.to ? ' has-error' : ''}`}>
          <label for="to">To (UTC day)</label>
          <input id="to" name="to" type="date" value={filters.to} {...invalidAttrs('to', errors)} />
          {errors.to ? <p class="error" id="to-error">{errors.to}</p> : null}
        </div>
        <FilterSelectField select={{ name: 'destination', label: 'Destination', options: [['', 'Any destination'], ...props.model.destinations], value: filters.destination }} />
        <FilterSelectField select={{ name: 'tz', label: 'Hours in', options: TIME_ZONES, value: a.timeZone }} />
        <button type="submit">Show</button>
      </form>

      <dl class="facts" id="analytics-facts">
        <dt>Hunts</dt>
        <dd>{`${a.hunts} ended, ${a.reached} reached an agent`}</dd>
        <dt>Median time to agent</dt>
        <dd>{mins(a.medianMinutes)}</dd>
        <dt>Courtesy disconnects</dt>
        <dd>{`${pct(a.courtesy.rate)} of answered dials (${a.courtesy.disconnects} of ${a.courtesy.answered})`}</dd>
      </dl>

      <section class="advice banner demo" aria-labelledby="advice-heading" id="advice">
        <h2 id="advice-heading">Best time to call</h2>
        <ul>
          {a.advice.lines.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      </section>

      <div class="charts">
        <ChartFigure
          id="chart-hour"
          title={`Time to agent by hour of day (${a.timeZone})`}
          spec={timeToAgentSpec(hours, a.byHour, 'Hour started')}
          table={<BucketTable label="Hour" names={hours.map((h) => hourRange(Number(h)))} buckets={a.byHour} />}
        />
        <ChartFigure
          id="chart-weekday"
          title="Time to agent by weekday"
          spec={timeToAgentSpec(WEEKDAYS.map((d) => d.slice(0, 3)), a.byWeekday, 'Weekday')}
          table={<BucketTable label="Weekday" names={[...WEEKDAYS]} buckets={a.byWeekday} />}
        />
        <ChartFigure
          id="chart-courtesy"
          title="Courtesy-disconnect rate by hour (share of answered dials the IRS hung up before its hold queue)"
          spec={{ kind: 'line', labels: hours, series: [{ label: 'Courtesy disconnects', data: a.courtesy.byHour.map((r) => (r === null ? null : Math.round(r * 1000) / 10)) }], x: 'Hour started', y: '% of answered dials', percent: true }}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col">Hour</th>
                  <th scope="col">Courtesy-disconnect rate</th>
                </tr>
              </thead>
              <tbody>
                {a.courtesy.byHour.map((r, h) => (
                  <tr>
                    <th scope="row">{hourRange(h)}</th>
                    <td>{pct(r ?? undefined)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
        <ChartFigure
          id="chart-lines"
          title="Lines against time to agent (one dot per hunt)"
          spec={{ kind: 'scatter', series: [{ label: 'Hunts', data: a.linesVsTime.points.map((p) => ({ x: p.lines, y: p.minutes })) }], x: 'Lines', y: 'Minutes to agent' }}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col">Lines</th>
                  <th scope="col">Hunts that reached an agent</th>
                  <th scope="col">Median time to agent</th>
                </tr>
              </thead>
              <tbody>
                {a.linesVsTime.byLines.map((l) => (
                  <tr>
                    <th scope="row">{l.lines}</th>
                    <td>{l.hunts}</td>
                    <td>{mins(l.medianMinutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
        <ChartFigure
          id="chart-detection"
          title="How live agents were recognised, and what the detector caught"
          spec={{
            kind: 'bar',
            labels: ['Confirmed by the detector', 'Confirmed by an operator', 'Suspicions cleared', 'Dropped from hold', 'No agent reached'],
            series: [{ label: 'Count', data: [a.detection.byDetector, a.detection.byOperator, a.detection.suspicionsCleared, a.detection.holdDrops, a.detection.noAgent] }],
            y: 'Count',
          }}
          table={
            <dl class="facts">
              <dt>Confirmed by the detector</dt>
              <dd>{a.detection.byDetector}</dd>
              <dt>Confirmed by an operator</dt>
              <dd>{a.detection.byOperator}</dd>
              <dt>Suspected live</dt>
              <dd>{a.detection.suspicions}</dd>
              <dt>Suspicions cleared (back to hold)</dt>
              <dd>{a.detection.suspicionsCleared}</dd>
              <dt>Lines dropped from hold</dt>
              <dd>{a.detection.holdDrops}</dd>
              <dt>Hunts with no agent</dt>
              <dd>{a.detection.noAgent}</dd>
            </dl>
          }
        />
      </div>

      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues</h2>
        <QueueUsageTable queues={a.queues} />
      </section>
      <script src="/static/chart.umd.min.js" defer></script>
      <script src="/static/analytics.js" defer></script>
    </Layout>
  );
}

/** Median minutes to agent per bucket as bars, with the number of hunts behind each as a line. */
function timeToAgentSpec(labels: string[], buckets: Bucket[], x: string): ChartSpec {
  return {
    kind: 'bar',
    labels,
    series: [
      { label: 'Median minutes to agent', data: buckets.map((b) => b.medianMinutes ?? null) },
      { label: 'Hunts', data: buckets.map((b) => b.hunts), axis: 'y2', kind: 'line' },
    ],
    x,
    y: 'Minutes',
    y2: 'Hunts',
  };
}

function ChartFigure(props: { id: string; title: string; spec: ChartSpec; table: unknown }) {
  return (
    <figure class="chart-figure" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <div class="chart-box">
        <canvas id={props.id} role="img" aria-label={`${props.title}: chart; the numbers are in the table below`} data-chart={JSON.stringify(props.spec)}></canvas>
      </div>
      <details>
        <summary>Numbers</summary>
        {props.table}
      </details>
    </figure>
  );
}

function BucketTable(props: { label: string; names: string[]; buckets: Bucket[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{props.label}</th>
          <th scope="col">Hunts</th>
          <th scope="col">Reached an agent</th>
          <th scope="col">Median time to agent</th>
          <th scope="col">Courtesy disconnects</th>
        </tr>
      </thead>
      <tbody>
        {props.buckets.map((b, i) => (
          <tr>
            <th scope="row">{props.names[i]}</th>
            <td>{b.hunts}</td>
            <td>{b.reached}</td>
            <td>{mins(b.medianMinutes)}</td>
            <td>{pct(b.courtesyRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Transfers handed to each queue and how many of its hunts ended in one (also on the queues page). */
export function QueueUsageTable(props: { queues: Analytics['queues'] }) {
  if (props.queues.length === 0) return <p class="muted">No hunt has been handed to a queue yet.</p>;
  return (
    <table id="queue-usage">
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Hunts for it</th>
          <th scope="col">Transfers handed to it</th>
          <th scope="col">Success rate</th>
        </tr>
      </thead>
      <tbody>
        {props.queues.map((q) => (
          <tr>
            <th scope="row">{q.queue}</th>
            <td>{q.hunts}</td>
            <td>{q.transfers}</td>
            <td>{pct(q.successRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
