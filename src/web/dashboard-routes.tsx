/**
 * The operator dashboard (server-rendered, htmx): start a hunt, the live job board with its SSE stream and
 * operator actions, the jobs list with CSV export, and a call's timeline. Every route sits behind
 * `dashboardAuth` (mounted once, in `createApp`) and reads through the same `JobCommands` and stores as the API.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobRequestError } from '../engine/job-commands.ts';
import type { JobCommands, OperatorCommand } from '../engine/job-commands.ts';
import { listDestinations } from '../engine/destination-store.ts';
import { readExtensions, readQueues } from '../engine/extension-directory.ts';
import type { HuntExtension } from '../engine/extension-directory.ts';
import { readHistory } from '../engine/job-history.ts';
import { readDetections } from '../engine/shadow-report.ts';
import { globalKeys } from '../store/redis-keys.ts';
import type { TransferTarget } from '../telephony/telephony-port.ts';
import { DEFAULT_VALUES, DialEstimateNote, StartHuntPage } from '../../views/start-hunt-page.tsx';
import type { StartHuntValues } from '../../views/start-hunt-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';
import { JobBoardPage } from '../../views/job-board-page.tsx';
import { targetWords } from '../../views/board/job-board.tsx';
import { JobsPage } from '../../views/jobs-page.tsx';
import { filterRows, jobRows, jobsCsv } from './job-rows.ts';
import { CallTimelinePage } from '../../views/call-timeline-page.tsx';
import { NotFoundPage } from '../../views/not-found-page.tsx';
import { ExtensionsPage } from '../../views/extensions-page.tsx';
import { releaseStuck, reservations, setExtensionsEnabled } from './extension-settings.ts';
import type { DashboardVariables } from './dashboard-auth.ts';
import { loadBoard } from './board-data.ts';
import { dialEstimate } from './dial-estimate.ts';
import type { LineMode } from './dial-estimate.ts';
import { formValues, labelled, parseHuntForm } from './hunt-form.ts';
import { jobEvents } from './job-events.tsx';
import type { JobLiveFeed } from './job-live-feed.ts';

export interface DashboardDeps {
  jobs: JobCommands;
  redis: Redis;
  feed: JobLiveFeed;
  lineMode: LineMode;
  log?: Logger;
  heartbeatMs?: number;
  /** Pulls users, queues and devices from RingCentral ("Sync" buttons); absent = no sync offered. */
  syncDirectory?: () => Promise<{ extensions: number; queues: number }>;
}

type Env = { Variables: DashboardVariables };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const COMMANDS = new Set(['confirm', 'hangup', 'transfer-now']);

export function dashboardRoutes(deps: DashboardDeps): Hono<Env> {
  const { jobs, redis } = deps;
  const app = new Hono<Env>();
  // Forms post from our own pages only (Origin or Sec-Fetch-Site); JSON API and webhooks are not mounted here.
  app.use('*', csrf());

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    deps.log?.error({ err: error, method: c.req.method, path: c.req.path }, 'dashboard request failed');
    return c.text('Something went wrong on the server; the error has been logged.', 500);
  });

  // ---- Start a hunt -------------------------------------------------------------------------------------
  const formPage = async (c: Context<Env>, values: StartHuntValues, errors: FieldErrors, formError?: string, status: 200 | 409 | 422 = 200) => {
    const [destinations, queues, extensions, reservations, settings] = await Promise.all([
      listDestinations(redis),
      readQueues(redis),
      readExtensions(redis),
      redis.hgetall(globalKeys.extensionReservations),
      redis.hmget(globalKeys.settings, 'savedNumbers', 'defaultTarget'),
    ]);
    const usable = extensions.filter((e) => usableExtension(e, deps.lineMode)).map((e) => {
      const held = reservations[e.id]?.split(' ')[0];
      return held ? { ...e, heldBy: held } : e;
    });
    const freeExtensions = usable.filter((e) => !('heldBy' in e)).length;
    const sortedQueues = [...queues].sort((a, b) => a.extensionNumber.localeCompare(b.extensionNumber, 'en', { numeric: true }));
    const defaultTarget = settings[1] ? (JSON.parse(settings[1]) as TransferTarget) : sortedQueues[0] ? ({ kind: 'queue', extensionNumber: sortedQueues[0].extensionNumber } as const) : undefined;
    const lines = Number.parseInt(values.lines, 10) || 1;
    const chosen = values.destinationId || destinations.find((d) => d.isDefault)?.id || DEFAULT_VALUES.destinationId;
    return c.html(
      <StartHuntPage
        model={{
          destinations,
          queues: sortedQueues,
          extensions: usable,
          savedNumbers: settings[0] ? (JSON.parse(settings[0]) as string[]) : [],
          defaultTargetLabel: defaultTarget ? targetWords(defaultTarget) : 'none yet (sync call queues)',
          freeExtensions,
          lineMode: deps.lineMode,
          estimate: dialEstimate(lines, deps.lineMode),
          values: { ...values, destinationId: chosen },
          errors,
          ...(formError ? { formError } : {}),
        }}
      />,
      status,
    );
  };

  app.get('/hunts/new', (c) => formPage(c, DEFAULT_VALUES, {}));

  app.get('/hunts/estimate', (c) => {
    const lines = Math.max(1, Math.min(70, Number.parseInt(c.req.query('lines') ?? '', 10) || 1));
    return c.html(<DialEstimateNote lines={lines} estimate={dialEstimate(lines, deps.lineMode)} />);
  });

  app.post('/hunts', async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = parseHuntForm(values);
    if (!parsed.ok) return formPage(c, values, parsed.errors, undefined, 422);
    try {
      const view = await jobs.create(parsed.request, c.get('operator'));
      return c.redirect(`/jobs/${encodeURIComponent(view.id)}`, 303);
    } catch (error) {
      if (!(error instanceof JobRequestError)) throw error;
      const status = error.status === 409 ? 409 : 422;
      if (error.field) return formPage(c, values, { [error.field]: labelled(error.field, error.message) }, undefined, status);
      return formPage(c, values, {}, labelled('form', error.message), status);
    }
  });

  // ---- Jobs list and CSV ------------------------------------------------------------------------------------
  const filters = (c: Context<Env>) => ({ q: (c.req.query('q') ?? '').trim(), status: (c.req.query('status') ?? '').trim() });

  app.get('/jobs.csv', async (c) => {
    const rows = filterRows(jobRows(await jobs.list()), filters(c));
    return c.body(jobsCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="hold-hunter-jobs.csv"' });
  });

  app.get('/jobs', async (c) => {
    const f = filters(c);
    return c.html(<JobsPage rows={filterRows(jobRows(await jobs.list()), f)} filters={f} />);
  });

  // ---- Live job board ---------------------------------------------------------------------------------------
  app.get('/jobs/:id', async (c) => {
    const jobId = c.req.param('id');
    const board = ID.test(jobId) ? await loadBoard(jobs, redis, jobId) : undefined;
    if (!board) return c.html(<NotFoundPage what={`No hunt with id ${jobId}.`} />, 404);
    const log = board.tail.slice(0, 50);
    return c.html(<JobBoardPage model={{ ...board, log, lastId: board.tail[0]?.id }} />);
  });

  app.get('/jobs/:id/events', async (c) => {
    const jobId = c.req.param('id');
    if (!ID.test(jobId) || !(await jobs.get(jobId))) return c.text(`No hunt with id ${jobId}.`, 404);
    return jobEvents(c, jobId, { jobs, redis, feed: deps.feed, ...(deps.log ? { log: deps.log } : {}), ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}) });
  });

  const command = async (c: Context<Env>, jobId: string, cmd: OperatorCommand) => {
    const back = `/jobs/${encodeURIComponent(jobId)}`;
    try {
      await jobs.send(jobId, cmd, c.get('operator'));
    } catch (error) {
      if (!(error instanceof JobRequestError)) throw error;
      // htmx shows nothing for a 4xx by default: dashboard.js turns the message into a visible notice.
      return c.text(error.message, error.status);
    }
    return c.req.header('HX-Request') ? c.body(null, 204) : c.redirect(back, 303);
  };

  app.post('/jobs/:id/cancel', (c) => {
    const jobId = c.req.param('id');
    if (!ID.test(jobId)) return c.text('Invalid job id.', 400);
    return command(c, jobId, { type: 'cancel' });
  });

  app.post('/jobs/:id/calls/:callId/:command', (c) => {
    const { id: jobId, callId, command: type } = c.req.param();
    if (!ID.test(jobId) || !ID.test(callId) || !COMMANDS.has(type)) return c.text('Invalid job, line or command.', 400);
    return command(c, jobId, { type: type as 'confirm' | 'hangup' | 'transfer-now', callId });
  });

  // ---- Extensions -------------------------------------------------------------------------------------------
  app.get('/extensions', async (c) => {
    const filters = { q: (c.req.query('q') ?? '').trim(), show: (c.req.query('show') ?? '').trim() };
    const [all, held] = await Promise.all([readExtensions(redis), reservations(redis, jobs)]);
    const q = filters.q.toLowerCase();
    const rows = all
      .map((e) => {
        const h = held.get(e.id);
        return { ...e, usable: usableExtension({ ...e, enabled: true }, deps.lineMode), ...(h ? { held: h } : {}) };
      })
      .filter((e) => q === '' || e.extensionNumber.includes(q) || e.name.toLowerCase().includes(q))
      .filter((e) => {
        switch (filters.show) {
          case 'enabled':
            return e.enabled;
          case 'disabled':
            return !e.enabled;
          case 'in-use':
            return e.held !== undefined;
          case 'stuck':
            return e.held?.stuck === true;
          case 'no-device':
            return !e.usable;
          default:
            return true;
        }
      });
    const notice = extensionNotice(c.req.query('done'));
    return c.html(<ExtensionsPage model={{ extensions: rows, filters, total: all.length, lineMode: deps.lineMode, ...(notice ? { notice } : {}) }} />);
  });

  app.post('/extensions/sync', async (c) => {
    if (!deps.syncDirectory) return c.redirect('/extensions?done=sync-unavailable', 303);
    const result = await deps.syncDirectory();
    return c.redirect(`/extensions?done=synced-${result.extensions}`, 303);
  });

  app.post('/extensions/bulk', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = [body.ids ?? []].flat().filter((v): v is string => typeof v === 'string');
    const enable = body.action === 'enable';
    const changed = await setExtensionsEnabled(redis, ids, enable);
    return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${changed}`, 303);
  });

  app.post('/extensions/:id/enabled', async (c) => {
    const body = await c.req.parseBody();
    const enable = body.enabled === 'true';
    const changed = await setExtensionsEnabled(redis, [c.req.param('id')], enable);
    return c.redirect(`/extensions?done=${enable ? 'enabled' : 'disabled'}-${changed}`, 303);
  });

  app.post('/extensions/:id/release', async (c) => {
    const freed = await releaseStuck(redis, jobs, c.req.param('id'));
    return c.redirect(`/extensions?done=${freed ? 'released' : 'not-released'}`, 303);
  });

  // ---- Call timeline ----------------------------------------------------------------------------------------
  app.get('/jobs/:id/calls/:callId', async (c) => {
    const { id: jobId, callId } = c.req.param();
    const job = ID.test(jobId) && ID.test(callId) ? await jobs.get(jobId) : undefined;
    const call = job?.calls.find((x) => x.callId === callId);
    if (!job || !call) return c.html(<NotFoundPage what={`No line ${callId} in hunt ${jobId}.`} />, 404);
    const [history, detections] = await Promise.all([readHistory(redis, jobId), readDetections(redis, jobId)]);
    return c.html(
      <CallTimelinePage
        job={job}
        call={call}
        index={job.calls.indexOf(call)}
        history={history.filter((h) => h.actor === callId)}
        detections={detections.filter((d) => d.callId === callId)}
      />,
    );
  });

  return app;
}

/** The message for a `done=` code after a post (codes only: no text from the URL is shown). */
function extensionNotice(done: string | undefined): string | undefined {
  if (!done) return undefined;
  const [what, n] = [done.replace(/-\d+$/, ''), /-(\d+)$/.exec(done)?.[1]];
  switch (what) {
    case 'enabled':
      return `${n ?? 0} extension${n === '1' ? '' : 's'} enabled for hunting.`;
    case 'disabled':
      return `${n ?? 0} extension${n === '1' ? '' : 's'} disabled.`;
    case 'synced':
      return `Synced: ${n ?? 0} extensions. Devices are looked up one by one in the background.`;
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

/** Same rule as the engine's candidate check (`RedisJobCommands`): enabled, with a device the line mode can use. */
export function usableExtension(e: HuntExtension, lineMode: LineMode): boolean {
  return e.enabled && Boolean(e.deviceId) && (lineMode !== 'softphone' || e.deviceType === 'OtherPhone');
}
