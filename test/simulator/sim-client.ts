/** Raw-HTTP helpers for simulator tests that need status codes and headers the SDK would turn into exceptions. */
import { expect } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/simulator-server.ts';
import type { ManualClock } from '../../src/simulator/sim-clock.ts';
import { TEST_CREDENTIALS } from '../support/simulator-harness.ts';

export const IRS_PPS = '+18668604259';
export const CALL_OUT = '/restapi/v1.0/account/~/telephony/call-out';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
  ms: number;
}

/** The simulator's current clock (a reset builds a new one), when it was started with a ManualClock factory. */
export function manualClock(sim: RunningSimulator): ManualClock {
  return sim.runtime.context.clock as ManualClock;
}

/** Logs in as the account owner with the JWT bearer grant; returns the access token. */
export async function ownerToken(sim: RunningSimulator, assertion: string = TEST_CREDENTIALS.jwt): Promise<string> {
  const response = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  const body: any = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.access_token as string;
}

/** Any request; `token` null sends no Authorization header, a string body is sent as is. */
export async function request(sim: RunningSimulator, method: string, path: string, options: { token?: string | null; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const started = performance.now();
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  const raw = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  const body = type.includes('json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : raw;
  return { status: response.status, body, headers: response.headers, ms };
}

/** The owner's first online, call-out-capable device. */
export async function ownerDevice(sim: RunningSimulator, token: string): Promise<string> {
  const reply = await request(sim, 'GET', '/restapi/v1.0/account/~/extension/~/device', { token });
  const device = reply.body.records.find((d: { status: string; type: string }) => d.status === 'Online' && d.type !== 'WebPhone');
  if (!device) throw new Error('the owner has no online device');
  return device.id as string;
}

/** POST call-out; returns the reply (201 with `session` on success). */
export function callOut(sim: RunningSimulator, token: string, deviceId: string, to: Record<string, string> = { phoneNumber: IRS_PPS }): Promise<Reply> {
  return request(sim, 'POST', CALL_OUT, { token, body: { from: { deviceId }, to } });
}

/** An RC error body: errorCode, message and errors[] with the same code. */
export function expectRcError(reply: Reply, status: number, errorCode: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ errorCode, errors: [{ errorCode }] });
  expect(typeof reply.body.message).toBe('string');
}
