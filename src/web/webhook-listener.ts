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
import type { Logger } from 'pino';
import { metrics } from '../observability/metrics.ts';
import { apiErrorBody } from './api-errors.ts';
import { WEBHOOK_PATH, isWebhookReply, webhookIntake } from './webhook-intake.ts';
import type { WebhookAdmission, WebhookDeps, WebhookIntake, WebhookReply } from './webhook-intake.ts';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Exactly the route the subscription is created with (anything else, a query string too, goes to the app). */
export const isWebhookRequest = (req: IncomingMessage): boolean => req.method === 'POST' && req.url === WEBHOOK_PATH;

/** Strips a byte-order mark and replaces malformed UTF-8 as the Hono route's `text()` does. */
const utf8 = new TextDecoder();
/** The common answer, built once: node adds Date and the keep-alive headers. */
const EMPTY_OK: readonly string[] = ['Content-Length', '0'];
const ok = metrics.webhooks.labels('200');

type InternalError = { status: 500; body: ReturnType<typeof apiErrorBody> };

/**
 * One request on its way through the intake. The request's events call module-level functions with the request
 * as `this` (found again through a symbol), so a notification allocates no listener closures.
 */
class WebhookExchange {
  chunks: Buffer[] = [];
  size = 0;
  /** The body has been read, refused or abandoned: later events are ignored. */
  read = false;
  private answered = false;

  constructor(
    readonly intake: WebhookIntake,
    readonly log: Logger,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly admission: WebhookAdmission,
    private readonly started: number,
  ) {}

  answer(reply: WebhookReply | InternalError, closeAfter = false): void {
    if (this.answered) return;
    this.answered = true;
    metrics.webhookDuration.observe((performance.now() - this.started) / 1000);
    (reply.status === 200 ? ok : metrics.webhooks.labels(String(reply.status))).inc();
    const { res } = this;
    if (res.destroyed) return;
    try {
      if (reply.status !== 200) {
        const body = JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...(closeAfter ? { Connection: 'close' } : {}) }).end(body);
      } else if (reply.validationToken === undefined) {
        res.writeHead(200, EMPTY_OK as string[]).end();
      } else {
        // The handshake echoes Validation-Token; node refuses characters a header may not carry (→ 400 below).
        res.writeHead(200, { 'Validation-Token': reply.validationToken, 'Content-Type': 'application/json', 'Content-Length': '0' }).end();
      }
    } catch (error) {
      this.log.warn({ err: error }, 'webhook handshake refused: Validation-Token cannot be echoed');
      if (!res.headersSent) {
        const body = JSON.stringify(apiErrorBody('invalid_validation_token', 'Validation-Token cannot be echoed.'));
        res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
      }
    }
  }

  /** The whole body is in: hand it to the intake and answer with what it says. */
  receive(): void {
    const { chunks, size } = this;
    const text = utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    this.chunks = [];
    this.intake.receive(text, this.req.headers, this.admission).then(
      (reply) => this.answer(reply),
      (error: unknown) => {
        // Nothing in the intake should throw; if something does, answer in our shape and keep serving.
        this.log.error({ err: error }, 'webhook handler failed');
        this.answer({ status: 500, body: apiErrorBody('internal', 'Internal error.') });
      },
    );
  }
}

const EXCHANGE = Symbol('webhookExchange');
type CarryingExchange = IncomingMessage & { [EXCHANGE]: WebhookExchange };
const exchangeOf = (req: IncomingMessage): WebhookExchange => (req as CarryingExchange)[EXCHANGE];

function onBodyChunk(this: IncomingMessage, chunk: Buffer): void {
  const exchange = exchangeOf(this);
  if (exchange.read) return;
  exchange.size += chunk.length;
  if (exchange.size > exchange.intake.maxBodyBytes) {
    exchange.read = true;
    // Stop reading an oversize body: answer and close rather than drain it.
    exchange.answer(exchange.intake.tooLarge(), true);
    return;
  }
  exchange.chunks.push(chunk);
}

function onBodyEnd(this: IncomingMessage): void {
  const exchange = exchangeOf(this);
  if (exchange.read) return;
  exchange.read = true;
  exchange.receive();
}

/** A client that aborts mid-body (or a broken socket) gets a 400, if it is still there to read it. */
function onBodyUnreadable(this: IncomingMessage, error?: unknown): void {
  const exchange = exchangeOf(this);
  if (exchange.read) return;
  exchange.read = true;
  exchange.answer(exchange.intake.unreadable(error instanceof Error ? error : new Error('request closed before its body was read')), true);
}

export function webhookListener(deps: WebhookDeps): NodeListener {
  const intake = webhookIntake(deps);
  const { log } = deps;

  return (req, res) => {
    const started = performance.now();
    // A request without Validation-Token cannot be the handshake: refuse a bad token before reading any body.
    // Answered before its body was read: close the connection rather than read (and discard) whatever follows.
    const admitted = intake.begin(req.headers);
    if (isWebhookReply(admitted)) return new WebhookExchange(intake, log, req, res, { verified: false }, started).answer(admitted, true);
    const exchange = new WebhookExchange(intake, log, req, res, admitted, started);
    const declared = req.headers['content-length'];
    if (declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) > intake.maxBodyBytes) return exchange.answer(intake.tooLarge(), true);
    (req as CarryingExchange)[EXCHANGE] = exchange;
    req.on('data', onBodyChunk);
    req.once('end', onBodyEnd);
    req.once('error', onBodyUnreadable);
    req.once('close', onBodyUnreadable);
  };
}

/** An HTTP server whose webhook requests go to `onWebhook` and everything else to the app's listener. */
export function webhookFirstServer(onWebhook: NodeListener, appListener: NodeListener): Server {
  return createServer((req, res) => (isWebhookRequest(req) ? onWebhook(req, res) : appListener(req, res)));
}
