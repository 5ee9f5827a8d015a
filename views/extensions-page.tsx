/**
 * `/extensions`: the firm's extensions as last synced, which may dial for hunts (enable/disable one or many), which
 * are in use and by which hunt, and a release for a reservation whose hunt has ended (stuck).
 */
import type { HuntExtension } from '../src/engine/extension-directory.ts';
import type { ReservationState } from '../src/web/extension-settings.ts';
import { Layout } from './layout.tsx';
import { Notice, SearchFilters, SyncButton } from './page-parts.tsx';

export interface ExtensionFilters {
  q: string;
  show: string;
}

export interface ExtensionsModel {
  extensions: (HuntExtension & { usable: boolean; held?: ReservationState })[];
  filters: ExtensionFilters;
  total: number;
  lineMode: 'softphone' | 'call-out';
  notice?: string;
}

const SHOW: [string, string][] = [
  ['', 'All'],
  ['enabled', 'Enabled for hunting'],
  ['disabled', 'Disabled'],
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
        <SyncButton id="sync-extensions" />
      </div>
      <Notice text={m.notice} />
      <p class="hint">{`A line dials from an extension that is enabled for hunting and has ${device}; one line per extension.`}</p>
      <SearchFilters action="/extensions" q={m.filters.q} placeholder="number or name" select={{ name: 'show', label: 'Show', options: SHOW, value: m.filters.show }} />
      <form method="post" action="/extensions/bulk" id="bulk">
        <div class="page-actions">
          <span>{`${m.extensions.length} of ${m.total} shown. With the ticked ones:`}</span>
          <button type="submit" name="action" value="enable" id="bulk-enable">
            Enable for hunting
          </button>
          <button type="submit" name="action" value="disable" id="bulk-disable">
            Disable
          </button>
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
              <th scope="col">Hunting</th>
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
                <td>{e.enabled ? <span class="ok">Enabled</span> : <span class="muted">Disabled</span>}</td>
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
