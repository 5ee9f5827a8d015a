/**
 * The dashboard's extensions and named pools pages (mounted inside `dashboardRoutes`, so behind the same auth and
 * same-origin checks): filters by availability, tag and pool; enable/disable, tag and pool the ticked extensions
 * in bulk; create, rename and delete pools and add or remove members one by one; release stuck reservations.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobCommands } from '../engine/job-commands.ts';
import { changePoolMembers, createPool, deletePool, getPool, PoolError, renamePool } from '../engine/extension-pools.ts';
import { isAvailable } from '../engine/extension-presence.ts';
import type { DashboardVariables } from './dashboard-auth.ts';
import type { LineMode } from './dial-estimate.ts';
import { allTags, extensionRows, filterExtensionRows } from './extension-rows.ts';
import type { ExtensionRow } from './extension-rows.ts';
import { changeTags, releaseStuck, setExtensionsEnabled } from './extension-settings.ts';
import { ExtensionsPage } from '../../views/extensions-page.tsx';
import { PoolsPage } from '../../views/pools-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';
import { extensionParams, pathParams, poolId, poolMemberParams, poolParams } from './route-params.ts';
import { extensionFiltersQuery, noticeQuery, pageQuery } from './page-queries.ts';
import { extensionIds, poolName, tag } from './pool-api.ts';
import { formBody, formList, formText, issueMessages, parseForm } from './form-input.ts';

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
    const filters = pageQuery(c, extensionFiltersQuery);
    const { rows, pools } = await extensionRows(redis, jobs, lineMode);
    const notice = pageQuery(c, noticeQuery(extensionNotice));
    const model = { extensions: filterExtensionRows(rows, filters), filters, total: rows.length, tags: allTags(rows), pools, lineMode, ...(notice ? { notice } : {}), ...(error ? { error } : {}) };
    return c.html(<ExtensionsPage model={model} />, error ? 422 : 200);
  };

  app.get('/extensions', (c) => extensionsPage(c));

  app.post('/extensions/bulk', async (c) => {
    const parsed = await parseForm(c, bulkForm);
    if (!parsed.success) {
      const problems = issueMessages(parsed.error);
      return c.text(problems.action ?? `Tick extensions by their ids: ${problems.ids ?? 'unreadable selection'}.`, 400);
    }
    const { action, ids } = parsed.data;
    switch (action) {
      case 'enable':
      case 'disable': {
        const enable = action === 'enable';
        return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${await setExtensionsEnabled(redis, ids, enable)}`, 303);
      }
      case 'pool-add':
      case 'pool-remove': {
        const pool = poolId.safeParse(parsed.data.pool);
        if (!pool.success || !(await getPool(redis, pool.data))) return extensionsPage(c, 'Choose a pool first (create one on the pools page).');
        const add = action === 'pool-add';
        const counts = await changePoolMembers(redis, pool.data, add ? { add: ids } : { remove: ids });
        return c.redirect(`/extensions?done=${add ? `pooled-${counts.added}` : `unpooled-${counts.removed}`}`, 303);
      }
      case 'tag-add':
      case 'tag-remove': {
        const parsedTag = tag.safeParse(parsed.data.tag);
        if (!parsedTag.success) return extensionsPage(c, `Tag ${parsedTag.error.issues[0]?.message ?? 'is not valid'}.`);
        const add = action === 'tag-add';
        const changed = await changeTags(redis, ids, add ? { add: [parsedTag.data] } : { remove: [parsedTag.data] });
        return c.redirect(`/extensions?done=${add ? 'tagged' : 'untagged'}-${changed}`, 303);
      }
    }
  });

  app.post('/extensions/:id/enabled', async (c) => {
    const params = pathParams(c, extensionParams);
    if (!params) return c.text(`No extension ${c.req.param('id')}.`, 404);
    const parsed = await parseForm(c, enabledForm);
    if (!parsed.success) return c.text('Send enabled=true or enabled=false.', 400);
    const enable = parsed.data.enabled === 'true';
    const changed = await setExtensionsEnabled(redis, [params.id], enable);
    return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${changed}`, 303);
  });

  app.post('/extensions/:id/release', async (c) => {
    const params = pathParams(c, extensionParams);
    if (!params) return c.text(`No extension ${c.req.param('id')}.`, 404);
    const freed = await releaseStuck(redis, jobs, params.id);
    return c.redirect(`/extensions?done=${freed ? 'released' : 'not-released'}`, 303);
  });

  // ---- Named pools ------------------------------------------------------------------------------------------
  const poolsPage = async (c: Context<Env>, errors: FieldErrors = {}, values: Record<string, string> = {}, status: 200 | 404 | 409 | 422 = 200) => {
    const { rows, pools } = await extensionRows(redis, jobs, lineMode);
    const byId = new Map(rows.map((e) => [e.id, e]));
    const withFree = pools.map((p) => ({ ...p, free: p.extensionIds.filter((id) => dialable(byId.get(id))).length }));
    const notice = pageQuery(c, noticeQuery(poolNotice));
    return c.html(<PoolsPage model={{ pools: withFree, extensions: byId, errors, values, ...(notice ? { notice } : {}) }} />, status);
  };

  /** A PoolError becomes the error next to `field` on the pools page; anything else is a server error. */
  const refused = (c: Context<Env>, error: unknown, field: string, values: Record<string, string>) => {
    if (!(error instanceof PoolError)) throw error;
    return poolsPage(c, { [field]: error.message }, values, error.status);
  };

  app.get('/pools', (c) => poolsPage(c));

  app.post('/pools', async (c) => {
    const form = await parseForm(c, poolNameForm);
    if (!form.success) return poolsPage(c, { name: poolNameError(form.error) }, { name: poolNameText(await formBody(c)) }, 422);
    const { name } = form.data;
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
    const form = await parseForm(c, poolNameForm);
    if (!form.success) return poolsPage(c, { [`rename-${id}`]: poolNameError(form.error) }, { [`rename-${id}`]: poolNameText(await formBody(c)) }, 422);
    const { name } = form.data;
    try {
      await renamePool(redis, id, name);
      return c.redirect('/pools?done=renamed', 303);
    } catch (error) {
      return refused(c, error, `rename-${id}`, { [`rename-${id}`]: name });
    }
  });

  app.post('/pools/:id/delete', async (c) => {
    const params = pathParams(c, poolParams);
    const done = params && (await deletePool(redis, params.id)) ? 'deleted' : 'not-deleted';
    const to = `/pools?done=${done}`;
    return c.req.header('HX-Request') ? c.body(null, 204, { 'HX-Redirect': to }) : c.redirect(to, 303);
  });

  app.post('/pools/:id/members', async (c) => {
    const id = c.req.param('id');
    if (!pathParams(c, poolParams)) return c.text(`No pool ${id}.`, 404);
    const field = `add-${id}`;
    const form = await parseForm(c, poolMemberForm);
    const number = form.success ? form.data.extensionNumber : '';
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
    const params = pathParams(c, poolMemberParams);
    if (!params) return c.text(`No extension ${c.req.param('extensionId')} in pool ${id}.`, 404);
    try {
      await changePoolMembers(redis, params.id, { remove: [params.extensionId] });
      return c.redirect(`/pools?done=member-removed#${id}`, 303);
    } catch (error) {
      return refused(c, error, 'name', {});
    }
  });

  return app;
}

const BULK_ACTIONS = ['enable', 'disable', 'pool-add', 'pool-remove', 'tag-add', 'tag-remove'] as const;

/** `POST /extensions/bulk`: the ticked extensions (ids as the JSON API takes them) and what to do with them. */
const bulkForm = z.object({
  action: formText.pipe(z.enum(BULK_ACTIONS, { error: 'Unknown bulk action.' })),
  ids: formList.pipe(extensionIds),
  pool: formText,
  tag: formText,
});

/** `POST /extensions/:id/enabled`: the toggle's hidden field. */
const enabledForm = z.object({ enabled: formText.pipe(z.enum(['true', 'false'])) });

/** `POST /pools` and `/pools/:id/rename`: the name, by the JSON API's rule (`poolName`). */
const poolNameForm = z.object({ name: formText.pipe(poolName) });
const poolNameText = (body: Record<string, unknown>): string => formText.parse(body.name);
const poolNameError = (error: z.ZodError): string => `Pool name ${error.issues[0]?.message ?? 'is not valid'}`;

/** `POST /pools/:id/members`: an extension number as people type it. */
const poolMemberForm = z.object({ extensionNumber: formText.pipe(z.string().max(64)) });

/** What `RedisJobCommands` would reserve from right now. */
function dialable(e: ExtensionRow | undefined): boolean {
  return e !== undefined && e.enabled && e.usable && !e.held && isAvailable(e.presence);
}

function poolNotice(done: string): string | undefined {
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
  )[done];
}

/** The message for a `done=` code after a post (codes only: no text from the URL is shown). */
function extensionNotice(done: string): string | undefined {
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
