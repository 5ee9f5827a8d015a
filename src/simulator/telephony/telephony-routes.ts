/** RingCentral Call Control: call-out, sessions and party actions (research/ringcentral.md §2–3). */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { SimEnv } from '../sim-env.ts';
import { requireAuth } from '../auth/require-auth.ts';
import { throttle } from '../rate-limit/throttle.ts';
import { accountScope } from '../account-scope.ts';
import { readJson } from '../read-json.ts';
import { RcError, invalidParameter } from '../rc-error.ts';
import { partyResource } from './call-party.ts';
import type { SimSession } from './sim-session.ts';

const BASE = '/restapi/v1.0/account/:accountId/telephony';
const PARTY = `${BASE}/sessions/:telephonySessionId/parties/:partyId`;

function sessionResource(session: SimSession): Record<string, unknown> {
  return {
    id: session.id,
    origin: { type: session.origin },
    creationTime: session.creationTime,
    parties: session.parties.map(partyResource),
  };
}

/** HoldCallPartyRequest.proto (the body is optional). */
const HOLD_PROTOCOLS = ['Auto', 'RC', 'BroadWorks', 'DisconnectHolder', 'BroadWorksOrDisconnectHolder'];

function checkHoldRequest(body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidParameter('body');
  const proto = (body as Record<string, unknown>).proto;
  if (proto !== undefined && (typeof proto !== 'string' || !HOLD_PROTOCOLS.includes(proto))) throw invalidParameter('proto', proto);
}

/** `/_sim/faults` `failNextTransfers`: this hand-off request fails before it changes anything. */
function failIfInjected(c: Context<SimEnv>): void {
  if (c.get('sim').faults.takeTransferFailure()) throw new RcError(503, 'CMN-201', 'Service Temporary Unavailable', {});
}

export function telephonyRoutes(): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  app.use(`${BASE}/*`, requireAuth, accountScope);

  app.post(`${BASE}/call-out`, throttle('Heavy'), async (c) => {
    const session = c.get('sim').calls.callOut(await readJson(c));
    // The reply names our party only; the far end appears in the notifications that follow.
    const caller = session.parties[0];
    return c.json({ session: { ...sessionResource(session), parties: caller ? [partyResource(caller)] : [] } }, 201);
  });

  app.get(`${BASE}/sessions/:telephonySessionId`, throttle('Light'), (c) =>
    c.json(sessionResource(c.get('sim').calls.live(c.req.param('telephonySessionId')))),
  );

  app.delete(`${BASE}/sessions/:telephonySessionId`, throttle('Light'), (c) => {
    c.get('sim').calls.hangUp(c.req.param('telephonySessionId'));
    return c.body(null, 204);
  });

  app.get(PARTY, throttle('Light'), (c) => {
    const { party } = c.get('sim').calls.liveParty(c.req.param('telephonySessionId'), c.req.param('partyId'));
    return c.json(partyResource(party));
  });

  app.patch(PARTY, throttle('Light'), async (c) => {
    const party = c.get('sim').calls.mute(c.req.param('telephonySessionId'), c.req.param('partyId'), await readJson(c));
    return c.json(partyResource(party));
  });

  app.delete(PARTY, throttle('Light'), (c) => {
    c.get('sim').calls.dropParty(c.req.param('telephonySessionId'), c.req.param('partyId'));
    return c.body(null, 204);
  });

  app.post(`${PARTY}/hold`, throttle('Light'), async (c) => {
    checkHoldRequest(await readJson(c)); // a valid proto is ignored: every protocol holds the same way here.
    return c.json(partyResource(c.get('sim').calls.hold(c.req.param('telephonySessionId'), c.req.param('partyId'))));
  });

  app.post(`${PARTY}/unhold`, throttle('Light'), (c) =>
    c.json(partyResource(c.get('sim').calls.unhold(c.req.param('telephonySessionId'), c.req.param('partyId')))),
  );

  app.post(`${PARTY}/transfer`, throttle('Light'), async (c) => {
    const body = await readJson(c);
    failIfInjected(c);
    return c.json(partyResource(c.get('sim').calls.transfer(c.req.param('telephonySessionId'), c.req.param('partyId'), body)));
  });

  app.post(`${PARTY}/bridge`, throttle('Light'), async (c) => {
    const body = await readJson(c);
    failIfInjected(c);
    return c.json(partyResource(c.get('sim').calls.bridge(c.req.param('telephonySessionId'), c.req.param('partyId'), body)));
  });

  return app;
}
