/**
 * The simulator's control API under /_sim (design §8): reset, true call timelines, forced pickups and
 * disconnects, fault injection, audio read-out. Tests and demos use it; the product never does.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-env.ts';
import type { SimRuntime } from '../sim-runtime.ts';
import { RcError } from '../rc-error.ts';
import { readJson } from '../read-json.ts';
import { callReport } from './call-report.ts';
import { resetSimLoad, simLoad, watchSimLoad } from './sim-load.ts';
import { mintJwt } from '../auth/sim-jwt.ts';
import { scenarios } from '../line/index.ts';
import type { SimSession } from '../telephony/sim-session.ts';
import type { LineCall } from '../line/index.ts';

const probability = z.number().min(0).max(1);
/** Wall ms; at most 10 min (Node would turn a longer timer into 1 ms). */
const MAX_FAULT_DELAY_MS = 600_000;
const range = z
  .tuple([z.number().min(0).max(MAX_FAULT_DELAY_MS), z.number().min(0).max(MAX_FAULT_DELAY_MS)])
  .refine(([a, b]) => a <= b, 'range must be [min, max]');
const faultsSchema = z
  .object({
    webhookLoss: probability,
    webhookDuplication: probability,
    webhookReorder: probability,
    webhookDelayMs: range,
    apiLatencyMs: range,
    api5xx: probability,
    api429: probability,
    failNextTransfers: z.number().int().min(0).max(1000),
  })
  .partial()
  .strict();
const resetSchema = z
  .object({ seed: z.union([z.number().int(), z.string().min(1)]), scenario: z.string(), timeScale: z.number().min(1) })
  .partial()
  .strict();
const groupLimit = z.object({ limit: z.number().int().min(1), windowSeconds: z.number().min(1), penaltySeconds: z.number().min(0) }).strict();
const limitsSchema = z.object({ Light: groupLimit, Medium: groupLimit, Heavy: groupLimit, Auth: groupLimit }).partial().strict();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const problem = result.error.issues[0];
    const where = problem?.path.join('.') || 'body';
    throw new RcError(400, 'CMN-101', `Parameter [${where}] value is invalid: ${problem?.message ?? 'bad input'}`, { parameterName: where });
  }
  return result.data;
}

function session(c: Context<SimEnv>): SimSession {
  const id = c.req.param('id') ?? '';
  const found = c.get('sim').calls.find(id);
  if (!found) throw new RcError(404, 'CMN-102', `Resource for parameter [telephonySessionId] is not found`, { parameterName: 'telephonySessionId', parameterValue: id });
  return found;
}

function lineOf(c: Context<SimEnv>): LineCall {
  const line = session(c).line;
  if (!line) throw new RcError(409, 'TAS-102', 'This call did not go to an outside line: nothing to control', {});
  return line;
}

export function controlRoutes(runtime: SimRuntime): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  watchSimLoad();

  app.get('/_sim', (c) => {
    const sim = c.get('sim');
    return c.json({
      seed: sim.options.seed,
      scenario: sim.options.scenario,
      timeScale: sim.options.timeScale,
      accountId: sim.directory.accountId,
      mainNumber: sim.directory.mainNumber,
      owner: { extensionId: sim.directory.owner().id, extensionNumber: sim.directory.owner().extensionNumber },
      clientId: sim.options.clientId,
      scenarios: Object.values(scenarios).map((s) => ({ name: s.name, description: s.description })),
      rateLimits: sim.limiter.limits(),
      faults: sim.faults.current(),
      // The SIP-over-TLS listener's port (softphone lines), null when none runs; details at /_sim/sip.
      sipPort: runtime.sip?.port ?? null,
    });
  });

  app.post('/_sim/reset', async (c) => {
    const request = parse(resetSchema, await readJson(c));
    try {
      const ctx = runtime.reset(request);
      return c.json({ seed: ctx.options.seed, scenario: ctx.options.scenario, timeScale: ctx.options.timeScale });
    } catch (error) {
      throw new RcError(400, 'CMN-101', (error as Error).message, { parameterName: 'scenario' });
    }
  });

  app.get('/_sim/calls', (c) => c.json({ records: c.get('sim').calls.all().map(callReport) }));
  app.get('/_sim/calls/:id', (c) => c.json(callReport(session(c))));

  app.post('/_sim/calls/:id/pickup', (c) => {
    lineOf(c).forcePickup();
    return c.json(callReport(session(c)));
  });
  app.post('/_sim/calls/:id/disconnect', (c) => {
    lineOf(c).forceDisconnect();
    return c.json(callReport(session(c)));
  });
  app.post('/_sim/calls/:id/voice-check-answer', (c) => {
    lineOf(c).answerVoiceCheck();
    return c.json(callReport(session(c)));
  });
  app.post('/_sim/calls/:id/dtmf', async (c) => {
    const { digits } = parse(z.object({ digits: z.string().regex(/^[0-9*#]{1,32}$/) }).strict(), await readJson(c));
    lineOf(c).sendDtmf(digits);
    return c.json(callReport(session(c)));
  });

  // Far-end audio as raw G.711 mu-law (audio/basic, 8 kHz): `from` is wall ms since the epoch, `frames` 20 ms each.
  app.get('/_sim/calls/:id/audio', (c) => {
    const line = lineOf(c);
    const query = parse(
      z.object({ from: z.coerce.number().int().min(0).optional(), frames: z.coerce.number().int().min(1).max(3000).default(50) }),
      c.req.query(),
    );
    const from = query.from ?? c.get('sim').clock.now() - query.frames * 20;
    const audio = line.readAudio(from, query.frames);
    return c.body(new Uint8Array(audio), 200, { 'Content-Type': 'audio/basic' });
  });

  app.get('/_sim/faults', (c) => c.json(c.get('sim').faults.current()));
  app.post('/_sim/faults', async (c) => c.json(c.get('sim').faults.update(parse(faultsSchema, await readJson(c)))));
  app.delete('/_sim/faults', (c) => {
    c.get('sim').faults.reset();
    return c.json(c.get('sim').faults.current());
  });

  app.put('/_sim/rate-limits', async (c) => {
    const limiter = c.get('sim').limiter;
    limiter.setLimits({ ...limiter.limits(), ...parse(limitsSchema, await readJson(c)) });
    return c.json(limiter.limits());
  });

  app.post('/_sim/tokens/expire', (c) => c.json({ expired: c.get('sim').tokens.expireAllAccessTokens() }));
  // An auth outage: end every session and/or refuse JWT logins until told otherwise (recovery and /readyz tests).
  app.post('/_sim/auth', async (c) => {
    const { revokeSessions, refuseLogins } = parse(z.object({ revokeSessions: z.boolean(), refuseLogins: z.boolean() }).partial().strict(), await readJson(c));
    const tokens = c.get('sim').tokens;
    const revoked = revokeSessions ? tokens.revokeAll() : 0;
    if (refuseLogins !== undefined) tokens.refuseLogins = refuseLogins;
    return c.json({ revoked, refuseLogins: tokens.refuseLogins });
  });

  // A JWT credential for any enabled user, so a test or a firm's pool can log in as several extensions.
  app.post('/_sim/jwt', async (c) => {
    const { extensionId } = parse(z.object({ extensionId: z.number().int() }).strict(), await readJson(c));
    const sim = c.get('sim');
    if (!sim.directory.userById(extensionId)) throw new RcError(404, 'CMN-102', 'Resource for parameter [extensionId] is not found', { parameterName: 'extensionId' });
    return c.json({ jwt: mintJwt(extensionId, sim.directory.accountId) });
  });

  app.post('/_sim/devices/:deviceId', async (c) => {
    const { status } = parse(z.object({ status: z.enum(['Online', 'Offline']) }).strict(), await readJson(c));
    const sim = c.get('sim');
    const deviceId = c.req.param('deviceId');
    if (!sim.directory.device(deviceId)) throw new RcError(404, 'CMN-102', 'Resource for parameter [deviceId] is not found', { parameterName: 'deviceId' });
    sim.directory.setDeviceStatus(deviceId, status);
    return c.json(sim.directory.device(deviceId));
  });

  // The simulator's own load (event-loop delay, audio ticks skipped): is a load run measuring it or the product?
  app.get('/_sim/load', (c) => c.json(simLoad()));
  app.delete('/_sim/load', (c) => {
    resetSimLoad();
    return c.json(simLoad());
  });

  app.get('/_sim/webhooks', (c) => {
    const hub = c.get('sim').subscriptions;
    return c.json({ records: hub.deliveries(), totals: hub.deliveryTotals() });
  });

  return app;
}
