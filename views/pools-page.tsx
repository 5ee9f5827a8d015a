/**
 * `/pools`: named pools of extensions. Create, rename and delete a pool; add extensions one by one (by number) or
 * remove them here, or many at once from the extensions page; start a hunt that dials only from one pool.
 */
import type { HuntPool } from '../src/engine/extension-pools.ts';
import type { ExtensionRow } from '../src/web/extension-rows.ts';
import { AVAILABILITY_WORDS } from '../src/engine/extension-presence.ts';
import { Layout } from './layout.tsx';
import { Field, invalidAttrs } from './form-field.tsx';
import type { FieldErrors } from './form-field.tsx';
import { Notice } from './page-parts.tsx';

export interface PoolsModel {
  pools: (HuntPool & { free: number })[];
  /** Extensions by id (for member names and states). */
  extensions: Map<string, ExtensionRow>;
  errors: FieldErrors;
  /** Values typed into a refused form, by field name. */
  values: Record<string, string>;
  notice?: string;
}

export function PoolsPage(props: { model: PoolsModel }) {
  const m = props.model;
  return (
    <Layout title="Named pools" section="extensions">
      <div class="page-head">
        <h1>Named pools</h1>
        <a class="button secondary" href="/extensions">
          All extensions
        </a>
      </div>
      <Notice text={m.notice} />
      <p class="hint">A hunt started from a pool dials only from that pool's extensions that are enabled, free and available. Add many extensions at once from the extensions page (tick them, then "Add to pool").</p>
      <form method="post" action="/pools" class="inline-field create-pool">
        <Field name="name" label="New pool" errors={m.errors}>
          <input type="text" id="name" name="name" maxlength={60} value={m.values.name ?? ''} placeholder="e.g. Night shift" {...invalidAttrs('name', m.errors)} />
        </Field>
        <button type="submit" class="primary" id="create-pool">
          Create pool
        </button>
      </form>
      {m.pools.length === 0 ? <p class="muted">No pool yet.</p> : null}
      {m.pools.map((pool) => {
        const renameField = `rename-${pool.id}`;
        const addField = `add-${pool.id}`;
        return (
          <section class="pool" id={pool.id} aria-labelledby={`${pool.id}-heading`}>
            <div class="page-head">
              <h2 id={`${pool.id}-heading`}>{pool.name}</h2>
              <div class="page-actions">
                <a class="button" href={`/hunts/new?pool=${pool.id}`} id={`hunt-${pool.id}`}>
                  Start a hunt from this pool
                </a>
                <form method="post" action={`/pools/${pool.id}/delete`} hx-post={`/pools/${pool.id}/delete`} hx-confirm={`Delete the pool ${pool.name}? Its extensions stay as they are.`} hx-swap="none">
                  <button type="submit" class="danger" id={`delete-${pool.id}`} aria-label={`Delete pool ${pool.name}`}>
                    Delete
                  </button>
                </form>
              </div>
            </div>
            <p class="pool-summary">{`${pool.extensionIds.length} extension${pool.extensionIds.length === 1 ? '' : 's'}, ${pool.free} free and available to dial now.`}</p>
            <div class="page-actions">
              <form method="post" action={`/pools/${pool.id}/rename`} class="inline-field">
                <Field name={renameField} label="Name" errors={m.errors}>
                  <input type="text" id={renameField} name="name" maxlength={60} value={m.values[renameField] ?? pool.name} {...invalidAttrs(renameField, m.errors)} />
                </Field>
                <button type="submit" id={`save-${pool.id}`}>
                  Rename
                </button>
              </form>
              <form method="post" action={`/pools/${pool.id}/members`} class="inline-field">
                <Field name={addField} label="Add extension (number)" errors={m.errors}>
                  <input type="text" inputmode="numeric" id={addField} name="extensionNumber" maxlength={8} value={m.values[addField] ?? ''} {...invalidAttrs(addField, m.errors)} />
                </Field>
                <button type="submit" id={`add-button-${pool.id}`}>
                  Add
                </button>
              </form>
            </div>
            {pool.extensionIds.length > 0 ? (
              <table class="members">
                <caption class="visually-hidden">{`Extensions in ${pool.name}`}</caption>
                <thead>
                  <tr>
                    <th scope="col">Extension</th>
                    <th scope="col">Name</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {byNumber(pool.extensionIds, m.extensions).map((id) => {
                    const e = m.extensions.get(id);
                    return (
                      <tr id={`${pool.id}-member-${id}`}>
                        <th scope="row">{e?.extensionNumber ?? id}</th>
                        <td>{e?.name ?? <span class="muted">no longer in the directory</span>}</td>
                        <td>{e ? memberState(e) : '—'}</td>
                        <td class="actions">
                          <form method="post" action={`/pools/${pool.id}/members/${id}/remove`}>
                            <button type="submit" id={`remove-${pool.id}-${id}`} aria-label={`Remove extension ${e?.extensionNumber ?? id} from ${pool.name}`}>
                              Remove
                            </button>
                          </form>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
          </section>
        );
      })}
    </Layout>
  );
}

function memberState(e: ExtensionRow): string {
  if (!e.enabled) return 'Disabled for hunting';
  if (!e.usable) return 'No usable device';
  if (e.held) return `In use by ${e.held.jobId}`;
  return e.presence ? AVAILABILITY_WORDS[e.presence.availability] : 'Free';
}

/** Members in extension-number order (ids of extensions gone from the directory last). */
function byNumber(ids: string[], extensions: Map<string, ExtensionRow>): string[] {
  const key = (id: string) => extensions.get(id)?.extensionNumber ?? `~${id}`;
  return [...ids].sort((a, b) => key(a).localeCompare(key(b), 'en', { numeric: true }));
}
