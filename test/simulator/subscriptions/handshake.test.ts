import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { validateWebhookAddress } from '../../../src/simulator/subscriptions/handshake.ts';
import { rejection } from './hub-fixture.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

describe('Validation-Token handshake', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('POSTs an empty body with the token and RingCentral headers, and accepts the echo', async () => {
    await validateWebhookAddress(receiver.url('/hook?x=1'), 'tok-123');
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '' });
    expect(req?.headers).toMatchObject({
      'validation-token': 'tok-123',
      'content-type': 'application/json',
      'user-agent': 'RingCentral-Webhook/8.3',
    });
  });

  it('no echo → 400 SUB-520', async () => {
    receiver.respond = () => ({ headers: { 'Content-Type': 'application/json' } });
    expect(await rejection(() => validateWebhookAddress(receiver.url(), 't'))).toMatchObject({
      status: 400,
      errorCode: 'SUB-520',
      message: 'Validation Token is not returned',
    });
  });

  it('a different token echoed → 400 SUB-520', async () => {
    receiver.respond = () => ({ headers: { 'Validation-Token': 'other', 'Content-Type': 'application/json' } });
    expect(await rejection(() => validateWebhookAddress(receiver.url(), 't'))).toMatchObject({ errorCode: 'SUB-520' });
  });

  it.each([
    ['a non-200 status', { status: 201 }],
    ['a 404', { status: 404 }],
    ['a response of 1024 bytes or more', { body: 'x'.repeat(1000) }],
    ['a response without Content-Type: application/json', { contentType: 'text/plain' }],
  ])('%s → 400 SUB-525', async (_label, variant: { status?: number; body?: string; contentType?: string }) => {
    receiver.respond = (req) => ({
      status: variant.status ?? 200,
      headers: { 'Validation-Token': String(req.headers['validation-token']), 'Content-Type': variant.contentType ?? 'application/json' },
      body: variant.body ?? '',
    });
    expect(await rejection(() => validateWebhookAddress(receiver.url(), 't'))).toMatchObject({
      status: 400,
      errorCode: 'SUB-525',
      message: 'WebHook server response is invalid',
    });
  });

  it('the Content-Type rule can be switched off', async () => {
    receiver.respond = (req) => ({ headers: { 'Validation-Token': String(req.headers['validation-token']) } });
    await validateWebhookAddress(receiver.url(), 't', { requireJsonContentType: false });
  });

  it('too slow → 400 CMN-101 on deliveryMode.address', async () => {
    receiver.respond = (req) => ({
      delayMs: 400,
      headers: { 'Validation-Token': String(req.headers['validation-token']), 'Content-Type': 'application/json' },
    });
    expect(await rejection(() => validateWebhookAddress(receiver.url(), 't', { timeoutMs: 100 }))).toMatchObject({
      status: 400,
      errorCode: 'CMN-101',
      message: 'Parameter [deliveryMode.address] value is invalid',
      detail: { parameterName: 'deliveryMode.address' },
    });
  });

  it('unreachable → 400 CMN-101 on deliveryMode.address', async () => {
    const port = await freePort();
    expect(await rejection(() => validateWebhookAddress(`http://127.0.0.1:${port}/hook`, 't'))).toMatchObject({
      status: 400,
      errorCode: 'CMN-101',
    });
  });
});

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
