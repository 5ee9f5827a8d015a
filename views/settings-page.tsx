/**
 * `/settings/detection`: per destination, the live detection thresholds (the main three as fields, every other
 * override as JSON), the shadow (candidate) set run beside them, and who changed what. Same store and validation
 * as `/api/v1/settings/detection/:destinationId`.
 */
import type { Destination } from '../src/engine/hunt-types.ts';
import type { DetectionSettings, DetectionSettingsChange } from '../src/engine/detection-settings.ts';
import type { DetectionConfig } from '../src/detection/index.ts';
import { Layout } from './layout.tsx';
import { Field, invalidAttrs } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';
import { clockTime } from './board/clock.tsx';
import { Notice } from './page-parts.tsx';

export interface SettingsModel {
  destinations: Destination[];
  destinationId: string;
  live?: DetectionSettings;
  shadow?: DetectionSettings;
  effective: DetectionConfig;
  history: DetectionSettingsChange[];
  /** Values as typed when a save was refused. */
  form?: { suspectThreshold: string; confirmThreshold: string; hysteresis: string; overrides: string; shadow: string };
  errors: FieldErrors;
  notice?: string;
}

export const THRESHOLDS = ['suspectThreshold', 'confirmThreshold', 'hysteresis'] as const;
const LABEL: Record<(typeof THRESHOLDS)[number], string> = {
  suspectThreshold: 'Suspect at (confidence 0 to 1)',
  confirmThreshold: 'Confirm at (confidence 0 to 1)',
  hysteresis: 'Hysteresis (confidence drop before clearing)',
};

export function SettingsPage(props: { model: SettingsModel }) {
  const m = props.model;
  const id = encodeURIComponent(m.destinationId);
  const overrides = m.form?.overrides ?? JSON.stringify(m.live?.config ?? {}, null, 2);
  const shadow = m.form?.shadow ?? (m.shadow ? JSON.stringify(m.shadow.config, null, 2) : '');
  return (
    <Layout title="Detection settings" section="settings">
      <h1>Detection settings</h1>
      <Notice text={m.notice} />
      {Object.keys(m.errors).length > 0 ? (
        <div class="banner bad-banner" role="alert" id="form-errors" tabindex={-1}>
          <p>Not saved (the settings in force are unchanged): fix the fields marked below.</p>
        </div>
      ) : null}
      <form method="get" action="/settings/detection" class="filters">
        <div class="field">
          <label for="destination">Destination</label>
          <select id="destination" name="destination">
            {m.destinations.map((d) => (
              <option value={d.id} selected={d.id === m.destinationId}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <p class="hint">{m.live ? `Live settings version ${m.live.version}, saved ${new Date(m.live.updatedAt).toISOString().slice(0, 10)} ${clockTime(m.live.updatedAt)} UTC by ${m.live.updatedBy}.` : 'Live settings: the defaults.'} New lines of this destination listen with them.</p>
      <form method="post" action={`/settings/detection/${id}`} class="stack" novalidate>
        {THRESHOLDS.map((name) => (
          <Field name={name} label={LABEL[name]} errors={m.errors}>
            <input id={name} name={name} type="number" min="0" max="1" step="0.01" value={m.form?.[name] ?? String(m.effective[name])} {...invalidAttrs(name, m.errors)} />
          </Field>
        ))}
        <Field name="overrides" label="Other overrides (JSON, merged over the defaults)" errors={m.errors}>
          <textarea id="overrides" name="overrides" rows={8} {...invalidAttrs('overrides', m.errors)}>
            {overrides}
          </textarea>
        </Field>
        <button type="submit" class="primary" id="save-live">
          Save live settings
        </button>
      </form>
      <h2>Shadow settings</h2>
      <p class="hint">A candidate set run beside the live one on the same audio and never acted on; compare them in the API's shadow report.</p>
      <form method="post" action={`/settings/detection/${id}/shadow`} class="stack" novalidate>
        <Field name="shadow" label="Shadow overrides (JSON; empty stops the shadow)" errors={m.errors}>
          <textarea id="shadow" name="shadow" rows={5} {...invalidAttrs('shadow', m.errors)}>
            {shadow}
          </textarea>
        </Field>
        <button type="submit" id="save-shadow">
          Save shadow settings
        </button>
      </form>
      <h2>Changes</h2>
      <div class="table-wrap">
        <table id="settings-history">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">Set</th>
              <th scope="col">Version</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
            </tr>
          </thead>
          <tbody>
            {m.history.map((h) => (
              <tr>
                <td>{`${new Date(h.at).toISOString().slice(0, 10)} ${clockTime(h.at)}`}</td>
                <td>{h.by}</td>
                <td>{h.kind}</td>
                <td>{h.version}</td>
                <td class="small">{h.before ? JSON.stringify(h.before) : 'defaults'}</td>
                <td class="small">{h.after ? JSON.stringify(h.after) : 'removed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {m.history.length === 0 ? <p class="muted">No change yet.</p> : null}
      </div>
    </Layout>
  );
}
