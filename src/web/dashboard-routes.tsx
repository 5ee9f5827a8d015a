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
import { readDetections } from '../engine/detection-records.ts';
import { globalKeys } from '../store/redis-keys.ts';
import type { TransferTarget } from '../telephony/telephony-port.ts';
import { DEFAULT_VALUES, DialEstimateNote, FreeLinesHint, StartHuntPage } from '../../views/start-hunt-page.tsx';
import type { StartHuntValues } from '../../views/start-hunt-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';
import { JobBoardPage } from '../../views/job-board-page.tsx';
import { targetWords } from '../../views/board/job-board.tsx';
import { JobsPage } from '../../views/jobs-page.tsx';
import { filterRows, jobsCsv, parseJobFilters } from './job-rows.ts';
import { readSummaries } from '../engine/hunt-summary.ts';
import { analytics, queueUsage } from './analytics.ts';
import { AnalyticsPage } from '../../views/analytics-page.tsx';
import { CallTimelinePage } from '../../views/call-timeline-page.tsx';
import { NotFoundPage } from '../../views/not-found-page.tsx';
import { SettingsPage } from '../../views/settings-page.tsx';
import type { SettingsModel } from '../../views/settings-page.tsx';
import { DetectionSettingsStore } from '../engine/detection-settings.ts';
import { resolveDetectionConfig } from '../detection/index.ts';
import { liveSettingsForm, settingsFormErrors, settingsFormText, shadowSettingsForm } from './detection-settings-form.ts';
import { formBody, formText } from './form-input.ts';
import { PPS_DESTINATION } from '../engine/hunt-types.ts';
import { QueuesPage } from '../../views/queues-page.tsx';
import { DestinationsPage, IvrPreview } from '../../views/destinations-page.tsx';
import { destinationFormErrors, destinationFormSchema, destinationFormText, ivrPreviewSteps } from './destination-form.ts';
import type { DestinationFormValues } from '../../views/destinations-page.tsx';
import { deleteDestination, getDestination, saveDestination } from '../engine/destination-store.ts';
import { z } from 'zod';
import { destinationSchema } from './destination-api.ts';
import { editDestinationQuery, estimateQuery, noticeQuery, pageQuery, poolQuery, settingsDestinationQuery, syncBackQuery, timeZoneQuery } from './page-queries.ts';
import { destinationId, destinationParams, detectionSettingsParams, jobParams, lineCommandParams, lineParams, pathParams, queueParams } from './route-params.ts';
import { defaultTarget, queueOverrides, setDefaultQueue, setQueueOverride } from '../engine/queue-settings.ts';
import { poolRoutes } from './pool-routes.tsx';
import { listPools } from '../engine/extension-pools.ts';
import { AVAILABILITY_WORDS, isAvailable, readPresence } from '../engine/extension-presence.ts';
import type { DashboardVariables } from './dashboard-auth.ts';
import { loadBoard } from './board-data.ts';
import { dialEstimate } from './dial-estimate.ts';
import type { LineMode } from './dial-estimate.ts';
import { huntFormText, labelled, parseHuntForm } from './hunt-form.ts';
import { jobEvents } from './job-events.tsx';
import type { JobLiveFeed } from './job-live-feed.ts';

export interface DashboardDeps {
  jobs: JobCommands;
  redis: Redis;
  feed: JobLiveFeed;
  lineMode: LineMode;
  log?: Logger;
  heartbeatMs?: number;
  /** How many users' credentials the account pools (call-out dial quota is per user); default 1. */
  credentials?: number;
  /** Pulls users, queues and devices from RingCentral ("Sync" buttons); absent = no sync offered. */
  syncDirectory?: () => Promise<{ extensions: number; queues: number }>;
}

type Env = { Variables: DashboardVariables };


/**
 * A call queue's transfer number: empty clears it; otherwise E.164 by the destinations' own rule, after dropping
 * the spaces, brackets and dashes people type.
 */
const queueNumberForm = z.object({
  phoneNumber: formText
    .transform((v) => v.replace(/[\s()-]/g, ''))
    .pipe(z.union([z.literal(''), destinationSchema.shape.phoneNumber])),
});

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
    const [destinations, queues, settings, dial] = await Promise.all([
      listDestinations(redis),
      readQueues(redis),
      redis.hmget(globalKeys.settings, 'savedNumbers', 'defaultTarget'),
      dialChoices(),
    ]);
    const { usable, poolChoices } = dial;
    const chosenPool = poolChoices.find((p) => p.id === values.pool);
    const freeExtensions = chosenPool ? chosenPool.free : dial.free;
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
          pools: poolChoices,
          savedNumbers: settings[0] ? (JSON.parse(settings[0]) as string[]) : [],
          defaultTargetLabel: defaultTarget ? targetWords(defaultTarget) : 'none yet (sync call queues)',
          freeExtensions,
          lineMode: deps.lineMode,
          estimate: dialEstimate(lines, deps.lineMode, undefined, deps.credentials),
          values: { ...values, destinationId: chosen },
          errors,
          ...(formError ? { formError } : {}),
        }}
      />,
      status,
    );
  };

  /** What a hunt could dial from now: usable extensions (with who holds each, or why it is away) and the pools. */
  const dialChoices = async () => {
    const [extensions, reservations, presence, pools] = await Promise.all([readExtensions(redis), redis.hgetall(globalKeys.extensionReservations), readPresence(redis), listPools(redis)]);
    const usable = extensions.filter((e) => usableExtension(e, deps.lineMode)).map((e) => {
      const held = reservations[e.id]?.split(' ')[0];
      const p = presence.get(e.id);
      return { ...e, ...(held ? { heldBy: held } : {}), ...(isAvailable(p) || !p ? {} : { away: AVAILABILITY_WORDS[p.availability].toLowerCase() }) };
    });
    // What RedisJobCommands would reserve from: free and available (in the chosen pool, if one is).
    const dialable = new Set(usable.filter((e) => !e.heldBy && !e.away).map((e) => e.id));
    const poolChoices = pools.map((p) => ({ id: p.id, name: p.name, free: p.extensionIds.filter((id) => dialable.has(id)).length }));
    return { usable, poolChoices, free: dialable.size };
  };

  app.get('/hunts/free', async (c) => {
    const { poolChoices, free } = await dialChoices();
    const { pool: poolId } = pageQuery(c, poolQuery);
    const pool = poolChoices.find((p) => p.id === poolId);
    return c.html(<FreeLinesHint free={pool ? pool.free : free} poolName={pool?.name} />);
  });

  app.get('/hunts/new', (c) => formPage(c, { ...DEFAULT_VALUES, pool: pageQuery(c, poolQuery).pool ?? '' }, {}));

  app.get('/hunts/estimate', (c) => {
    const { lines } = pageQuery(c, estimateQuery);
    return c.html(<DialEstimateNote lines={lines} estimate={dialEstimate(lines, deps.lineMode, undefined, deps.credentials)} />);
  });

  app.post('/hunts', async (c) => {
    const values = huntFormText.parse(await formBody(c));
    const parsed = parseHuntForm(values);
    if (!parsed.ok) return formPage(c, values, parsed.errors, undefined, 422);
    // A queue with a transfer number set on the Queues page is handed off to that number (JobCommands resolves it).
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

  // ---- History (jobs list) and CSV --------------------------------------------------------------------------
  const history = async (c: Context<Env>) => {
    const { filters, errors } = parseJobFilters(c.req.query());
    const all = await readSummaries(redis);
    return { all, filters, errors, rows: filterRows(all, filters) };
  };

  app.get('/jobs.csv', async (c) => {
    const { rows } = await history(c);
    return c.body(jobsCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="hold-hunter-jobs.csv"' });
  });

  app.get('/jobs', async (c) => {
    const { all, filters, errors, rows } = await history(c);
    const destinations = [...new Map(all.map((r) => [r.destinationId, r.destination])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
    const distinct = (values: string[]) => [...new Set(values)].sort();
    const model = { rows, filters, errors, destinations, outcomes: distinct(all.map((r) => r.outcome)), operators: distinct(all.map((r) => r.createdBy)) };
    return c.html(<JobsPage model={model} />, Object.keys(errors).length > 0 ? 422 : 200);
  });

  // ---- Analytics ---------------------------------------------------------------------------------------------
  app.get('/analytics', async (c) => {
    const { all, filters, errors, rows } = await history(c);
    const { tz: timeZone } = pageQuery(c, timeZoneQuery);
    const destinations = [...new Map(all.map((r) => [r.destinationId, r.destination])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
    return c.html(<AnalyticsPage model={{ data: analytics(rows, timeZone), filters, errors, destinations }} />, Object.keys(errors).length > 0 ? 422 : 200);
  });

  // ---- Live job board ---------------------------------------------------------------------------------------
  app.get('/jobs/:id', async (c) => {
    const jobId = c.req.param('id');
    const board = pathParams(c, jobParams) ? await loadBoard(jobs, redis, jobId) : undefined;
    if (!board) return c.html(<NotFoundPage what={`No hunt with id ${jobId}.`} />, 404);
    const log = board.tail.slice(0, 50);
    return c.html(<JobBoardPage model={{ ...board, log, lastId: board.tail[0]?.id }} />);
  });

  app.get('/jobs/:id/events', async (c) => {
    const jobId = c.req.param('id');
    if (!pathParams(c, jobParams) || !(await jobs.get(jobId))) return c.text(`No hunt with id ${jobId}.`, 404);
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
    const params = pathParams(c, jobParams);
    if (!params) return c.text('Invalid job id.', 400);
    return command(c, params.id, { type: 'cancel' });
  });

  app.post('/jobs/:id/calls/:callId/:command', (c) => {
    const params = pathParams(c, lineCommandParams);
    if (!params) return c.text('Invalid job, line or command.', 400);
    return command(c, params.id, { type: params.command, callId: params.callId });
  });

  // ---- Extensions and named pools (pool-routes.tsx); the directory sync ------------------------------------
  app.route('/', poolRoutes({ redis, jobs, lineMode: deps.lineMode }));

  app.post('/extensions/sync', async (c) => {
    const back = pageQuery(c, syncBackQuery);
    if (!deps.syncDirectory) return c.redirect(`${back}?done=sync-unavailable`, 303);
    const result = await deps.syncDirectory();
    return c.redirect(`${back}?done=synced-${back === '/queues' ? result.queues : result.extensions}`, 303);
  });

  // ---- Queues -----------------------------------------------------------------------------------------------
  const queuesPage = async (c: Context<Env>, errors: FieldErrors = {}, status: 200 | 422 = 200) => {
    const [queues, target, overrides, summaries] = await Promise.all([readQueues(redis), defaultTarget(redis), queueOverrides(redis), readSummaries(redis)]);
    const usage = Object.fromEntries(queueUsage(summaries).map((u) => [u.queue, u]));
    const sorted = queues.sort((a, b) => a.extensionNumber.localeCompare(b.extensionNumber, 'en', { numeric: true }));
    const defaultExtension = target?.kind === 'queue' ? target.extensionNumber : target ? undefined : sorted[0]?.extensionNumber;
    const notice = pageQuery(c, noticeQuery(queueNotice));
    return c.html(<QueuesPage model={{ queues: sorted, overrides, usage, errors, ...(defaultExtension ? { defaultExtension } : {}), ...(notice ? { notice } : {}) }} />, status);
  };

  app.get('/queues', (c) => queuesPage(c));

  app.post('/queues/:ext/default', async (c) => {
    const ext = c.req.param('ext');
    if (!pathParams(c, queueParams) || !(await readQueues(redis)).some((q) => q.extensionNumber === ext)) return c.text(`No call queue ${ext}.`, 404);
    await setDefaultQueue(redis, ext);
    return c.redirect('/queues?done=default', 303);
  });

  app.post('/queues/:ext/number', async (c) => {
    const ext = c.req.param('ext');
    if (!pathParams(c, queueParams) || !(await readQueues(redis)).some((q) => q.extensionNumber === ext)) return c.text(`No call queue ${ext}.`, 404);
    const parsed = queueNumberForm.safeParse(await formBody(c));
    if (!parsed.success) return queuesPage(c, { [`number-${ext}`]: 'Transfer number must be in E.164 form: + and 7 to 15 digits, e.g. +12125550123' }, 422);
    const { phoneNumber } = parsed.data;
    await setQueueOverride(redis, ext, phoneNumber || undefined);
    return c.redirect(`/queues?done=${phoneNumber ? 'number-set' : 'number-cleared'}`, 303);
  });

  // ---- Destinations -----------------------------------------------------------------------------------------
  const destinationsPage = async (c: Context<Env>, form: DestinationFormValues, editing: boolean, errors: FieldErrors = {}, status: 200 | 422 = 200) => {
    const notice = pageQuery(c, noticeQuery(destinationNotice));
    return c.html(<DestinationsPage model={{ destinations: await listDestinations(redis), form, editing, errors, ...(notice ? { notice } : {}) }} />, status);
  };
  const emptyForm: DestinationFormValues = { id: '', name: '', phoneNumber: '', steps: [] };

  app.get('/destinations', async (c) => {
    const { edit } = pageQuery(c, editDestinationQuery);
    const existing = edit ? await getDestination(redis, edit) : undefined;
    if (!existing) return destinationsPage(c, emptyForm, false);
    const steps = existing.ivr.map((s) => ({ digits: s.digits, seconds: String(s.afterMs / 1000) }));
    return destinationsPage(c, { id: existing.id, name: existing.name, phoneNumber: existing.phoneNumber, steps }, true);
  });

  app.post('/destinations/preview', async (c) => {
    const steps = ivrPreviewSteps.parse(destinationFormText.parse(await formBody(c)));
    return c.html(<IvrPreview steps={steps} />);
  });

  app.post('/destinations', async (c) => {
    const form = destinationFormText.parse(await formBody(c));
    const parsed = destinationFormSchema.safeParse(form);
    if (!parsed.success) {
      const existing = destinationId.safeParse(form.id).success ? await getDestination(redis, form.id) : undefined;
      return destinationsPage(c, form, Boolean(existing), destinationFormErrors(parsed.error), 422);
    }
    const { id, ...destination } = parsed.data;
    const existing = await getDestination(redis, id);
    await saveDestination(redis, { id, ...destination, ...(existing?.isDefault ? { isDefault: true } : {}) });
    return c.redirect(`/destinations?done=saved`, 303);
  });

  app.post('/destinations/:id/default', async (c) => {
    const id = c.req.param('id');
    const all = pathParams(c, destinationParams) ? await listDestinations(redis) : [];
    if (!all.some((d) => d.id === id)) return c.text(`No destination ${id}.`, 404);
    for (const d of all) {
      const isDefault = d.id === id;
      if (Boolean(d.isDefault) !== isDefault) {
        const { isDefault: _old, ...rest } = d;
        await saveDestination(redis, isDefault ? { ...rest, isDefault: true } : rest);
      }
    }
    return c.redirect('/destinations?done=default', 303);
  });

  app.post('/destinations/:id/delete', async (c) => {
    const id = c.req.param('id');
    const done = pathParams(c, destinationParams) && (await deleteDestination(redis, id)) ? 'deleted' : 'not-deleted';
    const to = `/destinations?done=${done}`;
    return c.req.header('HX-Request') ? c.body(null, 204, { 'HX-Redirect': to }) : c.redirect(to, 303);
  });

  // ---- Detection settings -----------------------------------------------------------------------------------
  const settings = new DetectionSettingsStore(redis);
  const settingsPage = async (c: Context<Env>, destinationId: string, errors: FieldErrors = {}, form?: SettingsModel['form'], status: 200 | 404 | 422 = 200) => {
    const destinations = await listDestinations(redis);
    const chosen = destinations.find((d) => d.id === destinationId) ?? destinations[0];
    if (!chosen) return c.text('No destination.', 404);
    const [live, shadow, history] = await Promise.all([settings.get(chosen.id), settings.get(chosen.id, 'shadow'), settings.history(chosen.id, 20)]);
    const notice = pageQuery(c, noticeQuery(settingsNotice));
    return c.html(
      <SettingsPage
        model={{ destinations, destinationId: chosen.id, effective: resolveDetectionConfig(live?.config), history, errors, ...(live ? { live } : {}), ...(shadow ? { shadow } : {}), ...(form ? { form } : {}), ...(notice ? { notice } : {}) }}
      />,
      status,
    );
  };

  app.get('/settings/detection', (c) => settingsPage(c, pageQuery(c, settingsDestinationQuery).destination ?? PPS_DESTINATION.id));

  app.post('/settings/detection/:destinationId', async (c) => {
    const id = c.req.param('destinationId');
    if (!pathParams(c, detectionSettingsParams) || !(await getDestination(redis, id))) return c.text(`No destination ${id}.`, 404);
    const form = settingsFormText.parse(await formBody(c));
    const parsed = liveSettingsForm.safeParse(form);
    if (!parsed.success) return settingsPage(c, id, settingsFormErrors(parsed.error, 'overrides'), form, 422);
    await settings.save(id, parsed.data.input, c.get('operator'));
    return c.redirect(`/settings/detection?destination=${encodeURIComponent(id)}&done=live`, 303);
  });

  app.post('/settings/detection/:destinationId/shadow', async (c) => {
    const id = c.req.param('destinationId');
    if (!pathParams(c, detectionSettingsParams) || !(await getDestination(redis, id))) return c.text(`No destination ${id}.`, 404);
    const { shadow } = settingsFormText.parse(await formBody(c));
    if (shadow === '') {
      await settings.clearShadow(id, c.get('operator'));
      return c.redirect(`/settings/detection?destination=${encodeURIComponent(id)}&done=shadow-cleared`, 303);
    }
    const parsed = shadowSettingsForm.safeParse(shadow);
    if (parsed.success) {
      await settings.save(id, parsed.data.input, c.get('operator'), 'shadow');
      return c.redirect(`/settings/detection?destination=${encodeURIComponent(id)}&done=shadow`, 303);
    }
    const message = settingsFormErrors(parsed.error, 'shadow').shadow ?? 'Shadow overrides must be JSON, e.g. {"confirmThreshold": 0.8}';
    const live = await settings.get(id);
    const effective = resolveDetectionConfig(live?.config);
    return settingsPage(c, id, { shadow: message }, { suspectThreshold: String(effective.suspectThreshold), confirmThreshold: String(effective.confirmThreshold), hysteresis: String(effective.hysteresis), overrides: JSON.stringify(live?.config ?? {}, null, 2), shadow }, 422);
  });

  // ---- Call timeline ----------------------------------------------------------------------------------------
  app.get('/jobs/:id/calls/:callId', async (c) => {
    const { id: jobId, callId } = c.req.param();
    const job = pathParams(c, lineParams) ? await jobs.get(jobId) : undefined;
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


function queueNotice(done: string): string | undefined {
  if (done.startsWith('synced-')) return `Synced: ${done.slice(7)} call queues.`;
  return ({ default: 'Default queue saved.', 'number-set': 'Transfer number saved.', 'number-cleared': 'Transfer number cleared: the queue extension is used.', 'sync-unavailable': 'Sync is not available on this instance.' } as Record<string, string>)[done];
}

function settingsNotice(done: string): string | undefined {
  return ({ live: 'Live settings saved: new lines listen with them.', shadow: 'Shadow settings saved.', 'shadow-cleared': 'Shadow settings removed.' } as Record<string, string>)[done];
}

function destinationNotice(done: string): string | undefined {
  return ({ saved: 'Destination saved.', default: 'Default destination saved.', deleted: 'Destination deleted (the IRS PPS line is reset to its built-in script).', 'not-deleted': 'Nothing to delete: that destination is not saved.' } as Record<string, string>)[done];
}

/** Same rule as the engine's candidate check (`RedisJobCommands`): enabled, with a device the line mode can use. */
export function usableExtension(e: HuntExtension, lineMode: LineMode): boolean {
  return e.enabled && Boolean(e.deviceId) && (lineMode !== 'softphone' || e.deviceType === 'OtherPhone');
}
