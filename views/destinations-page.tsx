/**
 * `/destinations`: the numbers a hunt may dial, each with its IVR script (which keys, how long after the previous
 * step), a timeline preview of the script, the default destination, and create / edit / delete.
 */
import type { Destination, IvrStep } from '../src/engine/hunt-types.ts';
import { formatDuration } from '../src/web/dial-estimate.ts';
import { Layout } from './layout.tsx';
import { Field, invalidAttrs } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';
import { Notice } from './page-parts.tsx';

export const IVR_ROWS = 5;

export interface DestinationFormValues {
  id: string;
  name: string;
  phoneNumber: string;
  /** digits and seconds per row, as typed. */
  steps: { digits: string; seconds: string }[];
}

export interface DestinationsModel {
  destinations: Destination[];
  form: DestinationFormValues;
  editing: boolean;
  errors: FieldErrors;
  notice?: string;
}

export function IvrPreview(props: { steps: IvrStep[] }) {
  let at = 0;
  const points = props.steps.map((s) => {
    at += s.afterMs;
    return { at, digits: s.digits };
  });
  const total = Math.max(1, at);
  return (
    <div id="ivr-preview" aria-live="polite">
      <svg class="ivr-line" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label={`IVR script over ${formatDuration(at)}`}>
        <rect class="ivr-track" x="0" y="5" width="100" height="2" />
        {points.map((p) => (
          <rect class="ivr-mark" x={Math.min(99, (p.at / total) * 100).toFixed(2)} y="1" width="1" height="10" />
        ))}
      </svg>
      <ol class="ivr-steps">
        <li>0 s: the line answers</li>
        {points.map((p) => (
          <li>{`${formatDuration(p.at)}: press ${p.digits}`}</li>
        ))}
        <li>{`${formatDuration(at)}: on hold, listening for an agent`}</li>
      </ol>
    </div>
  );
}

export function DestinationsPage(props: { model: DestinationsModel }) {
  const m = props.model;
  const f = m.form;
  const steps: IvrStep[] = f.steps.filter((s) => s.digits !== '').map((s) => ({ digits: s.digits, afterMs: Math.max(0, Math.round(Number(s.seconds) * 1000) || 0) }));
  return (
    <Layout title="Destinations" section="destinations">
      <h1>Destinations</h1>
      <Notice text={m.notice} />
      <div class="table-wrap">
        <table id="destinations-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Number</th>
              <th scope="col">IVR script</th>
              <th scope="col">Default</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {m.destinations.map((d) => (
              <tr id={`dest-${d.id}`}>
                <th scope="row">{d.name}</th>
                <td>{d.phoneNumber}</td>
                <td>{d.ivr.map((s) => `${s.digits} after ${formatDuration(s.afterMs)}`).join(', ') || 'none'}</td>
                <td>
                  {d.isDefault ? (
                    <strong class="ok">Default</strong>
                  ) : (
                    <form method="post" action={`/destinations/${d.id}/default`}>
                      <button type="submit" id={`default-${d.id}`} aria-label={`Make default: ${d.name}`}>
                        Make default
                      </button>
                    </form>
                  )}
                </td>
                <td class="actions">
                  <a class="button" href={`/destinations?edit=${encodeURIComponent(d.id)}#destination-form`} aria-label={`Edit: ${d.name}`}>
                    Edit
                  </a>
                  <form method="post" action={`/destinations/${d.id}/delete`} hx-post={`/destinations/${d.id}/delete`} hx-confirm={`${d.id === 'irs-pps' ? 'Reset' : 'Delete'} ${d.name}?`} hx-swap="none">
                    <button type="submit" class="danger" id={`delete-${d.id}`} aria-label={`${d.id === 'irs-pps' ? 'Reset' : 'Delete'}: ${d.name}`}>
                      {d.id === 'irs-pps' ? 'Reset' : 'Delete'}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="destination-form">{m.editing ? `Edit ${f.name}` : 'Add a destination'}</h2>
      {Object.keys(m.errors).length > 0 ? (
        <div class="banner bad-banner" role="alert" id="form-errors" tabindex={-1}>
          <p>Not saved: fix the fields marked below.</p>
        </div>
      ) : null}
      <form method="post" action="/destinations" class="stack" novalidate hx-post="/destinations/preview" hx-trigger="input changed delay:300ms" hx-target="#ivr-preview" hx-swap="outerHTML">
        <Field name="id" label="Id (lower-case letters, digits, dashes)" errors={m.errors}>
          <input id="id" name="id" type="text" value={f.id} readonly={m.editing} required {...invalidAttrs('id', m.errors)} />
        </Field>
        <Field name="name" label="Name" errors={m.errors}>
          <input id="name" name="name" type="text" value={f.name} required {...invalidAttrs('name', m.errors)} />
        </Field>
        <Field name="phoneNumber" label="Number (E.164)" errors={m.errors}>
          <input id="phoneNumber" name="phoneNumber" type="text" inputmode="tel" placeholder="+18668604259" value={f.phoneNumber} required {...invalidAttrs('phoneNumber', m.errors)} />
        </Field>
        <fieldset class="field">
          <legend>IVR script: keys to press, each some seconds after the previous step</legend>
          {m.errors.ivr ? (
            <p class="error" id="ivr-error">
              {m.errors.ivr}
            </p>
          ) : null}
          <table class="ivr-table">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Keys</th>
                <th scope="col">Seconds after previous</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: IVR_ROWS }, (_, i) => (
                <tr>
                  <th scope="row">{i + 1}</th>
                  <td>
                    <input name="digits" type="text" value={f.steps[i]?.digits ?? ''} aria-label={`Step ${i + 1} keys`} size={6} />
                  </td>
                  <td>
                    <input name="seconds" type="number" min="0" max="600" step="0.5" value={f.steps[i]?.seconds ?? ''} aria-label={`Step ${i + 1} seconds after the previous step`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <IvrPreview steps={steps} />
        </fieldset>
        <button type="submit" class="primary" id="save-destination">
          Save destination
        </button>
      </form>
    </Layout>
  );
}
