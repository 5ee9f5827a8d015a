/**
 * `POST /webhooks/ringcentral` straight on node:http, ahead of the Hono app: the one path RingCentral hits
 * thousands of times a second. The app's middleware (security headers, CORS, the auth gate and its policy look-up,
 * async context) does nothing for it — it is authenticated by its own token, sets no cookie and renders nothing —
 * and building a web Request with a body stream per notification cost more than the notification itself
 * (docs/benchmarks.md, Load). Same intake as the Hono route (webhook-intake.ts): same answers, same limits, same
 * Redis delivery before the 200; counted and timed in the same metrics.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { metrics } from '../observability/metrics.ts';
import { apiErrorBody } from './api-errors.ts';
import { WEBHOOK_PATH, webhookIntake } from './webhook-intake.ts';
import type { HeaderOf, WebhookDeps, WebhookReply } from './webhook-intake.ts';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Exactly the route the subscription is created with (anything else, a query string too, goes to the app). */
export const isWebhookRequest = (req: IncomingMessage): boolean => req.method === 'POST' && req.url === WEBHOOK_PATH;

/** Strips a byte-order mark and replaces malformed UTF-8 as the Hono route's `text()` does. */
const utf8 = new TextDecoder();

export function webhookListener(deps: WebhookDeps): NodeListener {
  const intake = webhookIntake(deps);
  const { log } = deps;

  return (req, res) => {
    const started = performance.now();
    const header: HeaderOf = (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    let answered = false;
    const answer = (reply: WebhookReply | { status: 500; body: ReturnType<typeof apiErrorBody> }, closeAfter = false) => {
      if (answered) return;
      answered = true;
      metrics.webhookDuration.observe((performance.now() - started) / 1000);
      metrics.webhooks.inc({ status: String(reply.status) });
      if (res.destroyed) return;
      try {
        if (reply.status === 200) {
          // The handshake echoes Validation-Token; node refuses characters a header may not carry (→ 400 below).
          const headers: Record<string, string> = reply.validationToken === undefined ? {} : { 'Validation-Token': reply.validationToken, 'Content-Type': 'application/json' };
          res.writeHead(200, { ...headers, 'Content-Length': '0' }).end();
          return;
        }
        const body = JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...(closeAfter ? { Connection: 'close' } : {}) }).end(body);
      } catch (error) {
        log.warn({ err: error }, 'webhook handshake refused: Validation-Token cannot be echoed');
        if (!res.headersSent) {
          const body = JSON.stringify(apiErrorBody('invalid_validation_token', 'Validation-Token cannot be echoed.'));
          res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
        }
      }
    };

    // A request without Validation-Token cannot be the handshake: refuse a bad token before reading any body.
    // Answered before its body was read: close the connection rather than read (and discard) whatever follows.
    const begun = intake.begin(header);
    if ('status' in begun) return answer(begun, true);
    const declared = req.headers['content-length'];
    if (declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) > intake.maxBodyBytes) return answer(intake.tooLarge(), true);

    const chunks: Buffer[] = [];
    let size = 0;
    let read = false;
    req.on('data', (chunk: Buffer) => {
      if (read) return;
      size += chunk.length;
      if (size > intake.maxBodyBytes) {
        read = true;
        // Stop reading an oversize body: answer and close rather than drain it.
        return answer(intake.tooLarge(), true);
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (read) return;
      read = true;
      const text = utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      begun.receive(text).then(answer, (error: unknown) => {
        // Nothing in the intake should throw; if something does, answer in our shape and keep serving.
        log.error({ err: error }, 'webhook handler failed');
        answer({ status: 500, body: apiErrorBody('internal', 'Internal error.') });
      });
    });
    // A client that aborts mid-body (or a broken socket) gets a 400, if it is still there to read it.
    const unreadable = (error?: unknown) => {
      if (read) return;
      read = true;
      answer(intake.unreadable(error ?? new Error('request closed before its body was read')), true);
    };
    req.once('error', unreadable);
    req.once('close', () => unreadable());
  };
}

/** An HTTP server whose webhook requests go to `onWebhook` and everything else to the app's listener. */
export function webhookFirstServer(onWebhook: NodeListener, appListener: NodeListener): Server {
  return createServer((req, res) => (isWebhookRequest(req) ? onWebhook(req, res) : appListener(req, res)));
}
