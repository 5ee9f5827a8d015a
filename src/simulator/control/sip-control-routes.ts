/**
 * SIP fault hooks and state under /_sim/sip, for product tests of softphone lines: see registrations and SIP calls,
 * fetch the TLS certificate, refuse TLS, answer the next INVITEs busy, cut a device's connection mid-call, put junk
 * on a call's media port.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-env.ts';
import type { SimRuntime, SipControl } from '../sim-runtime.ts';
import { RcError } from '../rc-error.ts';
import { readJson } from '../read-json.ts';
import { JUNK_KINDS } from '../sip/media/junk-datagram.ts';

const junkSchema = z.object({ kind: z.enum(JUNK_KINDS), count: z.number().int().min(1).max(1000).optional() }).strict();

const faultsSchema = z.object({ refuseTls: z.boolean(), busyNextInvites: z.number().int().min(0).max(10_000) }).partial().strict();

function sip(runtime: SimRuntime): SipControl {
  if (!runtime.sip) throw new RcError(409, 'TAS-102', 'The SIP listener is not running (start the simulator with a SIP port)', {});
  return runtime.sip;
}

function invalid(error: z.ZodError): never {
  const problem = error.issues[0];
  const where = problem?.path.join('.') || 'body';
  throw new RcError(400, 'CMN-101', `Parameter [${where}] value is invalid: ${problem?.message ?? 'bad input'}`, { parameterName: where });
}

export function sipControlRoutes(runtime: SimRuntime): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  app.get('/_sim/sip', (c) => c.json(sip(runtime).status()));

  // PEM of the self-signed certificate, for clients that pin or trust it.
  app.get('/_sim/sip/certificate', (c) => c.body(sip(runtime).certificate.cert, 200, { 'Content-Type': 'application/x-pem-file' }));

  app.get('/_sim/sip/faults', (c) => c.json(sip(runtime).faults.current()));
  app.post('/_sim/sip/faults', async (c) => {
    const parsed = faultsSchema.safeParse((await readJson(c)) ?? {});
    if (!parsed.success) invalid(parsed.error);
    return c.json(sip(runtime).faults.update(parsed.data));
  });
  app.delete('/_sim/sip/faults', (c) => c.json(sip(runtime).faults.reset()));

  // Cuts the device's TLS connection(s) at once: its calls end as a network failure would.
  app.post('/_sim/sip/devices/:deviceId/disconnect', (c) => c.json({ closed: sip(runtime).disconnectDevice(c.req.param('deviceId')) }));

  // Raw datagrams from the call's media port to the device: the client must drop them, not die of them.
  app.post('/_sim/sip/calls/:telephonySessionId/junk-rtp', async (c) => {
    const parsed = junkSchema.safeParse((await readJson(c)) ?? {});
    if (!parsed.success) invalid(parsed.error);
    const id = c.req.param('telephonySessionId');
    const sent = sip(runtime).sendJunkMedia(id, parsed.data.kind, parsed.data.count ?? 1);
    if (sent === undefined) throw new RcError(404, 'CMN-102', 'Resource for parameter [telephonySessionId] is not found (no live SIP call)', { parameterName: 'telephonySessionId', parameterValue: id });
    return c.json({ sent });
  });

  return app;
}
