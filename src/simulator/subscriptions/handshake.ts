/**
 * The Validation-Token handshake RingCentral runs while it handles a WebHook create request (creating-webhooks.md):
 * POST to the address with `Validation-Token: <random>` and an empty body; the receiver must answer 200 within
 * 3000 ms, echo the token in a `Validation-Token` response header and keep the whole response under 1024 bytes.
 * Any failure refuses the create, and no subscription exists afterwards.
 */
import { RcError, invalidParameter } from '../rc-error.ts';
import { postWebhook } from './webhook-http.ts';

export const WEBHOOK_USER_AGENT = 'RingCentral-Webhook/8.3';
export const HANDSHAKE_TIMEOUT_MS = 3000;
export const MAX_WEBHOOK_RESPONSE_BYTES = 1024;

export interface HandshakeOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  /**
   * RC's guide warns that a validation response without `Content-Type: application/json` fails with SUB-525, even
   * with an empty body. On by default so the product meets it before production does.
   */
  requireJsonContentType?: boolean;
}

export async function validateWebhookAddress(
  address: string,
  validationToken: string,
  options: HandshakeOptions = {},
): Promise<void> {
  const { result } = postWebhook(address, {
    headers: {
      'Validation-Token': validationToken,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
    },
    body: '',
    timeoutMs: options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? MAX_WEBHOOK_RESPONSE_BYTES,
  });
  const outcome = await result;
  // Unreachable or too slow: RC blames the address (400 CMN-101 deliveryMode.address).
  if (outcome.kind === 'error') throw invalidParameter('deliveryMode.address', address);
  const contentType = outcome.headers['content-type'] ?? '';
  const jsonTyped = /^application\/json\b/i.test(contentType);
  if (outcome.status !== 200 || outcome.oversize || (options.requireJsonContentType !== false && !jsonTyped)) {
    throw new RcError(400, 'SUB-525', 'WebHook server response is invalid');
  }
  if (outcome.headers['validation-token'] !== validationToken) {
    throw new RcError(400, 'SUB-520', 'Validation Token is not returned');
  }
}
