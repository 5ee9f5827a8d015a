/** "Start a hunt": where to call, who gets the agent, how many lines, from which extensions, until when. */
import type { Destination } from '../src/engine/hunt-types.ts';
import type { HuntExtension, HuntQueue } from '../src/engine/extension-directory.ts';
import type { DialEstimate } from '../src/web/dial-estimate.ts';
import { formatDuration } from '../src/web/dial-estimate.ts';
import { Layout } from './layout.tsx';
import { Field, invalidAttrs } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';

export interface StartHuntValues {
  destinationId: string;
  target: string;
  lines: string;
  /** A named pool's id, or '' for any extension (or the hand-picked ones). */
  pool: string;
  extensionIds: string[];
  handoff: string;
  deadlineMinutes: string;
}

export interface StartHuntModel {
  destinations: Destination[];
  queues: HuntQueue[];
  /** Extensions that could dial (enabled, with a usable device), with the job holding each one now, if any, and why one is not available by its presence. */
  extensions: (HuntExtension & { heldBy?: string; away?: string })[];
  /** Named pools with how many of their extensions are free and available now. */
  pools: { id: string; name: string; free: number }[];
  savedNumbers: string[];
  /** Human words for the target used when none is chosen. */
  defaultTargetLabel: string;
  freeExtensions: number;
  lineMode: 'softphone' | 'call-out';
  estimate: DialEstimate;
  values: StartHuntValues;
  errors: FieldErrors;
  /** A problem that belongs to no single field. */
  formError?: string;
}

export const DEFAULT_VALUES: StartHuntValues = { destinationId: '', target: '', lines: '6', pool: '', extensionIds: [], handoff: 'transfer', deadlineMinutes: '180' };

export function DialEstimateNote(props: { lines: number; estimate: DialEstimate }) {
  return (
    <p class="hint" id="dial-estimate" aria-live="polite">
      {`Dialling ${props.lines} line${props.lines === 1 ? '' : 's'} takes about ${formatDuration(props.estimate.ms)} from the first dial to the last. ${props.estimate.explanation}`}
    </p>
  );
}

/** The lines field's hint: how many extensions could dial now (in the chosen pool, if any). */
export function freeLinesText(free: number, poolName?: string): string {
  return `${free} extension${free === 1 ? ' is' : 's are'} free to dial from right now${poolName ? ` in the pool ${poolName}` : ''}; each line needs one.`;
}

/** The same hint as a fragment: the pool select swaps it in (GET /hunts/free). */
export function FreeLinesHint(props: { free: number; poolName?: string | undefined }) {
  return (
    <p class="hint" id="lines-hint">
      {freeLinesText(props.free, props.poolName)}
    </p>
  );
}

export function StartHuntPage(props: { model: StartHuntModel }) {
  const m = props.model;
  const v = m.values;
  const maxLines = Math.max(1, Math.min(70, m.freeExtensions));
  const lines = Number.parseInt(v.lines, 10) || 1;
  const hasErrors = Object.keys(m.errors).length > 0 || m.formError;
  const chosenPool = m.pools.find((p) => p.id === v.pool);
  return (
    <Layout title="Start a hunt" section="new">
      <h1>Start a hunt</h1>
      {hasErrors ? (
        <div class="banner bad-banner" role="alert" id="form-errors" tabindex={-1}>
          <p>{m.formError ?? 'The hunt was not started: fix the fields marked below.'}</p>
        </div>
      ) : null}
      <form method="post" action="/hunts" class="stack" novalidate>
        <Field name="destinationId" label="Call" errors={m.errors}>
          <select id="destinationId" name="destinationId" {...invalidAttrs('destinationId', m.errors)}>
            {m.destinations.map((d) => (
              <option value={d.id} selected={d.id === v.destinationId}>{`${d.name} (${d.phoneNumber})`}</option>
            ))}
          </select>
        </Field>
        <Field name="target" label="Hand the agent to" errors={m.errors} hintId="target-hint" hint="The winning call goes here silently; the IRS agent hears nothing.">
          <select id="target" name="target" {...invalidAttrs('target', m.errors, 'target-hint')}>
            <option value="" selected={v.target === ''}>{`Default: ${m.defaultTargetLabel}`}</option>
            {m.queues.length > 0 ? (
              <optgroup label="Call queues">
                {m.queues.map((q) => (
                  <option value={`queue:${q.extensionNumber}`} selected={v.target === `queue:${q.extensionNumber}`}>{`${q.name} (queue ${q.extensionNumber})`}</option>
                ))}
              </optgroup>
            ) : null}
            {m.extensions.length > 0 ? (
              <optgroup label="Extensions">
                {m.extensions.map((e) => (
                  <option value={`extension:${e.extensionNumber}`} selected={v.target === `extension:${e.extensionNumber}`}>{`${e.name} (ext. ${e.extensionNumber})`}</option>
                ))}
              </optgroup>
            ) : null}
            {m.savedNumbers.length > 0 ? (
              <optgroup label="Saved numbers">
                {m.savedNumbers.map((n) => (
                  <option value={`number:${n}`} selected={v.target === `number:${n}`}>{n}</option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </Field>
        <Field
          name="lines"
          label={`Lines (1 to ${maxLines})`}
          errors={m.errors}
          hintId="lines-hint"
          hint={freeLinesText(m.freeExtensions, chosenPool?.name)}
        >
          <input
            id="lines"
            name="lines"
            type="number"
            inputmode="numeric"
            min="1"
            max={String(maxLines)}
            value={v.lines}
            required
            hx-get="/hunts/estimate"
            hx-trigger="input changed delay:200ms"
            hx-target="#dial-estimate"
            hx-swap="outerHTML"
            {...invalidAttrs('lines', m.errors, 'lines-hint')}
          />
          <DialEstimateNote lines={lines} estimate={m.estimate} />
        </Field>
        <fieldset class="field">
          <legend>Dial from</legend>
          <Field name="pool" label="Pool" errors={m.errors} hintId="pool-hint" hint="A named pool, or any free extension enabled for hunting; or pick extensions by hand below (not both).">
            <select id="pool" name="pool" hx-get="/hunts/free" hx-trigger="change" hx-target="#lines-hint" hx-swap="outerHTML" {...invalidAttrs('pool', m.errors, 'pool-hint')}>
              <option value="" selected={v.pool === ''}>Any free extension</option>
              {m.pools.map((p) => (
                <option value={p.id} selected={v.pool === p.id}>{`${p.name} (${p.free} free now)`}</option>
              ))}
            </select>
          </Field>
          <details open={v.extensionIds.length > 0 || Boolean(m.errors.extensionIds)}>
            <summary>{v.extensionIds.length > 0 ? `${v.extensionIds.length} extensions picked` : 'Pick extensions by hand instead'}</summary>
            {m.errors.extensionIds ? (
              <p class="error" id="extensionIds-error">
                {m.errors.extensionIds}
              </p>
            ) : null}
            <ul class="pick-list" aria-describedby={m.errors.extensionIds ? 'extensionIds-error' : undefined}>
              {m.extensions.map((e) => (
                <li>
                  <label>
                    <input type="checkbox" name="extensionIds" value={e.id} checked={v.extensionIds.includes(e.id)} disabled={Boolean(e.heldBy) || Boolean(e.away)} />
                    {` ${e.extensionNumber} · ${e.name}`}
                    {e.heldBy ? <span class="muted">{` (in use by ${e.heldBy})`}</span> : e.away ? <span class="muted">{` (${e.away})`}</span> : null}
                  </label>
                </li>
              ))}
            </ul>
          </details>
        </fieldset>
        <Field name="handoff" label="Hand-off" errors={m.errors}>
          <select id="handoff" name="handoff" {...invalidAttrs('handoff', m.errors)}>
            <option value="transfer" selected={v.handoff === 'transfer'}>Blind transfer when the agent is confirmed</option>
            <option value="standby-bridge" selected={v.handoff === 'standby-bridge'}>Standby bridge: ring the firm on a suspected agent, join on confirm</option>
          </select>
        </Field>
        <Field name="deadlineMinutes" label="Give up after (minutes, 1 to 720)" errors={m.errors}>
          <input id="deadlineMinutes" name="deadlineMinutes" type="number" inputmode="numeric" min="1" max="720" value={v.deadlineMinutes} required {...invalidAttrs('deadlineMinutes', m.errors)} />
        </Field>
        <p class="hint">{m.lineMode === 'softphone' ? 'Lines are softphones: the detector listens to each line.' : 'Lines use RingCentral call-out: no audio reaches the product, so you confirm the live line by hand.'}</p>
        <button type="submit" class="primary">
          Start hunt
        </button>
      </form>
    </Layout>
  );
}
