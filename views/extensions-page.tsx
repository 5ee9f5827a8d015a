/**
 * `/extensions`: the firm's extensions as last synced, which may dial for hunts (enable/disable one or many), their
 * availability from presence, tags and named pools (filter by either, change the ticked ones in bulk), which are
 * in use and by which hunt, and a release for a reservation whose hunt has ended (stuck).
 */
import type { HuntPool } from '../src/engine/extension-pools.ts';
import { AVAILABILITY_WORDS } from '../src/engine/extension-presence.ts';
import type { ExtensionFilters, ExtensionRow } from '../src/web/extension-rows.ts';
import { Layout } from './layout.tsx';
import { clockTime } from './board/clock.tsx';
import { Notice, SearchFilters } from './page-parts.tsx';
import { SyncButton } from './page-parts.tsx';

export interface ExtensionsModel {
  extensions: ExtensionRow[];
  filters: ExtensionFilters;
  total: number;
  tags: string[];
  pools: HuntPool[];
  lineMode: 'softphone' | 'call-out';
  notice?: string;
  /** A refused bulk change (e.g. a malformed tag), shown next to its field. */
  error?: string;
}

const SHOW: [string, string][] = [
  ['', 'All'],
  ['enabled', 'Enabled for hunting'],
  ['disabled', 'Disabled'],
  ['available', 'Available (presence)'],
  ['unavailable', 'Busy, DND or offline'],
  ['in-use', 'In use'],
  ['stuck', 'Stuck reservations'],
  ['no-device', 'Without a usable device'],
];

export function ExtensionsPage(props: { model: ExtensionsModel }) {
  const m = props.model;
  const device = m.lineMode === 'softphone' ? 'an online "Existing Phone" device' : 'an online device';
  return (
    <Layout title="Extensions" section="extensions">
      <div class="page-head">
        <h1>Extensions</h1>
        <div class="page-actions">
          <a class="button secondary" href="/pools">
            Named pools
          </a>
          <SyncButton id="sync-extensions" />
        </div>
      </div>
      <Notice text={m.notice} />
      <p class="hint">{`A line dials from an extension that is enabled for hunting, has ${device} and is available by its presence (not on a call, not "do not disturb", not offline); one line per extension. Sync re-reads devices and presence.`}</p>
      <SearchFilters
        action="/extensions"
        q={m.filters.q}
        placeholder="number or name"
        select={{ name: 'show', label: 'Show', options: SHOW, value: m.filters.show }}
        more={[
          { name: 'tag', label: 'Tag', options: [['', 'Any tag'], ...m.tags.map((t): [string, string] => [t, t])], value: m.filters.tag },
          { name: 'pool', label: 'Pool', options: [['', 'Any pool'], ...m.pools.map((p): [string, string] => [p.id, p.name])], value: m.filters.pool },
        ]}
      />
      <form method="post" action="/extensions/bulk" id="bulk" class="bulk">
        <p class="bulk-count">{`${m.extensions.length} of ${m.total} shown. With the ticked ones:`}</p>
        <div class="page-actions">
          <button type="submit" name="action" value="enable" id="bulk-enable">
            Enable for hunting
          </button>
          <button type="submit" name="action" value="disable" id="bulk-disable">
            Disable
          </button>
        </div>
        <div class="page-actions">
          <label for="bulk-pool">Pool</label>
          <select id="bulk-pool" name="pool">
            {m.pools.length === 0 ? <option value="">No pool yet</option> : m.pools.map((p) => <option value={p.id}>{p.name}</option>)}
          </select>
          <button type="submit" name="action" value="pool-add" id="bulk-pool-add" disabled={m.pools.length === 0}>
            Add to pool
          </button>
          <button type="submit" name="action" value="pool-remove" id="bulk-pool-remove" disabled={m.pools.length === 0}>
            Remove from pool
          </button>
        </div>
        <div class="page-actions">
          <label for="bulk-tag">Tag</label>
          <input type="text" id="bulk-tag" name="tag" list="known-tags" maxlength={30} aria-invalid={m.error ? 'true' : undefined} aria-describedby={m.error ? 'bulk-tag-error' : undefined} />
          <datalist id="known-tags">
            {m.tags.map((t) => (
              <option value={t} />
            ))}
          </datalist>
          <button type="submit" name="action" value="tag-add" id="bulk-tag-add">
            Add tag
          </button>
          <button type="submit" name="action" value="tag-remove" id="bulk-tag-remove">
            Remove tag
          </button>
          {m.error ? (
            <p class="error" id="bulk-tag-error">
              {m.error}
            </p>
          ) : null}
        </div>
      </form>
      <div class="table-wrap">
        <table id="extensions-table">
          <thead>
            <tr>
              <th scope="col">Pick</th>
              <th scope="col">Extension</th>
              <th scope="col">Name</th>
              <th scope="col">Device</th>
              <th scope="col">Availability</th>
              <th scope="col">Hunting</th>
              <th scope="col">Tags and pools</th>
              <th scope="col">In use</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {m.extensions.map((e) => (
              <tr id={`ext-${e.id}`}>
                <td>
                  <input type="checkbox" form="bulk" name="ids" value={e.id} id={`pick-${e.id}`} aria-label={`Pick extension ${e.extensionNumber}`} />
                </td>
                <th scope="row">{e.extensionNumber}</th>
                <td>{e.name}</td>
                <td>{e.deviceType ? `${e.deviceType}${e.usable ? '' : ' (not usable)'}` : <span class="muted">none online</span>}</td>
                <td class="availability" data-availability={e.presence?.availability ?? 'unknown'}>
                  {e.presence ? (
                    <>
                      <span class={e.presence.availability === 'available' ? 'ok' : 'bad'}>{AVAILABILITY_WORDS[e.presence.availability]}</span>
                      <span class="muted small">{` at ${clockTime(e.presence.at)}`}</span>
                    </>
                  ) : (
                    <span class="muted">not read yet</span>
                  )}
                </td>
                <td>{e.enabled ? <span class="ok">Enabled</span> : <span class="muted">Disabled</span>}</td>
                <td class="chips">
                  {(e.tags ?? []).map((t) => (
                    <span class="chip tag">{t}</span>
                  ))}
                  {e.pools.map((p) => (
                    <a class="chip pool" href={`/pools#${p.id}`}>
                      {p.name}
                    </a>
                  ))}
                </td>
                <td>
                  {e.held ? (
                    <>
                      <a href={`/jobs/${encodeURIComponent(e.held.jobId)}`}>{e.held.jobId}</a>
                      {e.held.stuck ? <strong class="bad">{' stuck: its hunt has ended'}</strong> : null}
                    </>
                  ) : (
                    <span class="muted">free</span>
                  )}
                </td>
                <td class="actions">
                  <form method="post" action={`/extensions/${e.id}/enabled`}>
                    <input type="hidden" name="enabled" value={e.enabled ? 'false' : 'true'} />
                    <button type="submit" id={`toggle-${e.id}`} aria-label={`${e.enabled ? 'Disable' : 'Enable'} extension ${e.extensionNumber}`}>
                      {e.enabled ? 'Disable' : 'Enable'}
                    </button>
                  </form>
                  {e.held?.stuck ? (
                    <form method="post" action={`/extensions/${e.id}/release`}>
                      <button type="submit" class="danger" id={`release-${e.id}`} aria-label={`Release extension ${e.extensionNumber}`}>
                        Release
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {m.extensions.length === 0 ? <p class="muted">{m.total === 0 ? 'No extension synced yet: sync from RingCentral.' : 'No extension matches.'}</p> : null}
      </div>
    </Layout>
  );
}
