/**
 * The dashboard's extensions and named pools pages (mounted inside `dashboardRoutes`, so behind the same auth and
 * same-origin checks): filters by availability, tag and pool; enable/disable, tag and pool the ticked extensions
 * in bulk; create, rename and delete pools and add or remove members one by one; release stuck reservations.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import type { JobCommands } from '../engine/job-commands.ts';
import { changePoolMembers, createPool, deletePool, getPool, POOL_ID, PoolError, renamePool } from '../engine/extension-pools.ts';
import { isAvailable } from '../engine/extension-presence.ts';
import type { DashboardVariables } from './dashboard-auth.ts';
import type { LineMode } from './dial-estimate.ts';
import { allTags, extensionRows, filterExtensionRows } from './extension-rows.ts';
import type { ExtensionRow } from './extension-rows.ts';
import { changeTags, normalTag, releaseStuck, setExtensionsEnabled, TAG } from './extension-settings.ts';
import { ExtensionsPage } from '../../views/extensions-page.tsx';
import { PoolsPage } from '../../views/pools-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';
import { extensionParams, pathParams, poolMemberParams, poolParams } from './route-params.ts';

type Env = { Variables: DashboardVariables };

export interface PoolRoutesDeps {
  redis: Redis;
  jobs: JobCommands;
  lineMode: LineMode;
}

export function poolRoutes(deps: PoolRoutesDeps): Hono<Env> {
  const { redis, jobs, lineMode } = deps;
  const app = new Hono<Env>();

  // ---- Extensions -------------------------------------------------------------------------------------------
  const extensionsPage = async (c: Context<Env>, error?: string) => {
    const filters = { q: query(c, 'q'), show: query(c, 'show'), tag: query(c, 'tag'), pool: query(c, 'pool') };
    const { rows, pools } = await extensionRows(redis, jobs, lineMode);
    const notice = extensionNotice(c.req.query('done'));
    const model = { extensions: filterExtensionRows(rows, filters), filters, total: rows.length, tags: allTags(rows), pools, lineMode, ...(notice ? { notice } : {}), ...(error ? { error } : {}) };
    return c.html(<ExtensionsPage model={model} />, error ? 422 : 200);
  };

  app.get('/extensions', (c) => extensionsPage(c));

  app.post('/extensions/bulk', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = [body.ids ?? []].flat().filter((v): v is string => typeof v === 'string');
    const text = (name: string) => (typeof body[name] === 'string' ? body[name].trim() : '');
    switch (text('action')) {
      case 'enable':
      case 'disable': {
        const enable = text('action') === 'enable';
        return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${await setExtensionsEnabled(redis, ids, enable)}`, 303);
      }
      case 'pool-add':
      case 'pool-remove': {
        const pool = text('pool');
        if (!POOL_ID.test(pool) || !(await getPool(redis, pool))) return extensionsPage(c, 'Choose a pool first (create one on the pools page).');
        const add = text('action') === 'pool-add';
        const counts = await changePoolMembers(redis, pool, add ? { add: ids } : { remove: ids });
        return c.redirect(`/extensions?done=${add ? `pooled-${counts.added}` : `unpooled-${counts.removed}`}`, 303);
      }
      case 'tag-add':
      case 'tag-remove': {
        const tag = normalTag(text('tag'));
        if (!TAG.test(tag)) return extensionsPage(c, 'Tag must be 1 to 30 letters, digits, spaces, "-" or "_", starting with a letter or digit.');
        const add = text('action') === 'tag-add';
        const changed = await changeTags(redis, ids, add ? { add: [tag] } : { remove: [tag] });
        return c.redirect(`/extensions?done=${add ? 'tagged' : 'untagged'}-${changed}`, 303);
      }
      default:
        return c.text('Unknown bulk action.', 400);
    }
  });

  app.post('/extensions/:id/enabled', async (c) => {
    if (!pathParams(c, extensionParams)) return c.text(`No extension ${c.req.param('id')}.`, 404);
    const body = await c.req.parseBody();
    const enable = body.enabled === 'true';
    const changed = await setExtensionsEnabled(redis, [c.req.param('id')], enable);
    return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${changed}`, 303);
  });

  app.post('/extensions/:id/release', async (c) => {
    if (!pathParams(c, extensionParams)) return c.text(`No extension ${c.req.param('id')}.`, 404);
    const freed = await releaseStuck(redis, jobs, c.req.param('id'));
    return c.redirect(`/extensions?done=${freed ? 'released' : 'not-released'}`, 303);
  });

  // ---- Named pools ------------------------------------------------------------------------------------------
  const poolsPage = async (c: Context<Env>, errors: FieldErrors = {}, values: Record<string, string> = {}, status: 200 | 404 | 409 | 422 = 200) => {
    const { rows, pools } = await extensionRows(redis, jobs, lineMode);
    const byId = new Map(rows.map((e) => [e.id, e]));
    const withFree = pools.map((p) => ({ ...p, free: p.extensionIds.filter((id) => dialable(byId.get(id))).length }));
    const notice = poolNotice(c.req.query('done'));
    return c.html(<PoolsPage model={{ pools: withFree, extensions: byId, errors, values, ...(notice ? { notice } : {}) }} />, status);
  };

  /** A PoolError becomes the error next to `field` on the pools page; anything else is a server error. */
  const refused = (c: Context<Env>, error: unknown, field: string, values: Record<string, string>) => {
    if (!(error instanceof PoolError)) throw error;
    return poolsPage(c, { [field]: error.message }, values, error.status);
  };

  app.get('/pools', (c) => poolsPage(c));

  app.post('/pools', async (c) => {
    const name = await formText(c, 'name');
    try {
      await createPool(redis, name);
      return c.redirect('/pools?done=created', 303);
    } catch (error) {
      return refused(c, error, 'name', { name });
    }
  });

  app.post('/pools/:id/rename', async (c) => {
    const id = c.req.param('id');
    if (!pathParams(c, poolParams)) return c.text(`No pool ${id}.`, 404);
    const name = await formText(c, 'name');
    try {
      await renamePool(redis, id, name);
      return c.redirect('/pools?done=renamed', 303);
    } catch (error) {
      return refused(c, error, `rename-${id}`, { [`rename-${id}`]: name });
    }
  });

  app.post('/pools/:id/delete', async (c) => {
    const done = pathParams(c, poolParams) && (await deletePool(redis, c.req.param('id'))) ? 'deleted' : 'not-deleted';
    const to = `/pools?done=${done}`;
    return c.req.header('HX-Request') ? c.body(null, 204, { 'HX-Redirect': to }) : c.redirect(to, 303);
  });

  app.post('/pools/:id/members', async (c) => {
    const id = c.req.param('id');
    if (!pathParams(c, poolParams)) return c.text(`No pool ${id}.`, 404);
    const field = `add-${id}`;
    const number = await formText(c, 'extensionNumber');
    const { rows } = await extensionRows(redis, jobs, lineMode);
    const extension = rows.find((e) => e.extensionNumber === number);
    if (!extension) return poolsPage(c, { [field]: number === '' ? 'Type an extension number, e.g. 105' : `No synced extension ${number}` }, { [field]: number }, 422);
    try {
      const { added } = await changePoolMembers(redis, id, { add: [extension.id] });
      return c.redirect(`/pools?done=${added ? 'member-added' : 'member-already'}#${id}`, 303);
    } catch (error) {
      return refused(c, error, field, { [field]: number });
    }
  });

  app.post('/pools/:id/members/:extensionId/remove', async (c) => {
    const id = c.req.param('id');
    if (!pathParams(c, poolMemberParams)) return c.text(`No extension ${c.req.param('extensionId')} in pool ${id}.`, 404);
    try {
      await changePoolMembers(redis, id, { remove: [c.req.param('extensionId')] });
      return c.redirect(`/pools?done=member-removed#${id}`, 303);
    } catch (error) {
      return refused(c, error, 'name', {});
    }
  });

  return app;
}

function query(c: Context, name: string): string {
  return (c.req.query(name) ?? '').trim();
}

async function formText(c: Context, name: string): Promise<string> {
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** What `RedisJobCommands` would reserve from right now. */
function dialable(e: ExtensionRow | undefined): boolean {
  return e !== undefined && e.enabled && e.usable && !e.held && isAvailable(e.presence);
}

function poolNotice(done: string | undefined): string | undefined {
  return (
    {
      created: 'Pool created.',
      renamed: 'Pool renamed.',
      deleted: 'Pool deleted (its extensions are unchanged).',
      'not-deleted': 'Nothing to delete: no such pool.',
      'member-added': 'Extension added to the pool.',
      'member-already': 'That extension is already in the pool.',
      'member-removed': 'Extension removed from the pool.',
    } as Record<string, string>
  )[done ?? ''];
}

/** The message for a `done=` code after a post (codes only: no text from the URL is shown). */
function extensionNotice(done: string | undefined): string | undefined {
  if (!done) return undefined;
  const [what, n] = [done.replace(/-\d+$/, ''), /-(\d+)$/.exec(done)?.[1]];
  const count = `${n ?? 0} extension${n === '1' ? '' : 's'}`;
  switch (what) {
    case 'enabled':
      return `${count} enabled for hunting.`;
    case 'disabled':
      return `${count} disabled.`;
    case 'pooled':
      return `${count} added to the pool.`;
    case 'unpooled':
      return `${count} removed from the pool.`;
    case 'tagged':
      return `${count} tagged.`;
    case 'untagged':
      return `Tag removed from ${count}.`;
    case 'synced':
      return `Synced: ${count}. Devices and presence are read one by one in the background.`;
    case 'sync-unavailable':
      return 'Sync is not available on this instance.';
    case 'released':
      return 'Reservation released: the extension is free again.';
    case 'not-released':
      return 'Not released: the extension is free, or its hunt is still running.';
    default:
      return undefined;
  }
}
