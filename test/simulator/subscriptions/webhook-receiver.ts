/** A real local HTTP server standing in for the product's webhook endpoint, scripted per request. */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelephonySessionsNotification } from '../../../src/simulator/subscriptions/subscription-types.ts';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type ReceiverReply =
  | { status?: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  /** Never answer (until the receiver closes). */
  | 'hang';

/** What a well-behaved product answers: the handshake echo with a JSON content type, 200 to notifications. */
export function politeReply(req: ReceivedRequest): ReceiverReply {
  const token = req.headers['validation-token'];
  if (typeof token === 'string') return { headers: { 'Validation-Token': token, 'Content-Type': 'application/json' } };
  return { headers: { 'Content-Type': 'application/json' }, body: '{}' };
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (req: ReceivedRequest) => ReceiverReply = politeReply;
  private waiters: (() => void)[] = [];

  private readonly server: Server;
  private portNumber = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.record(received);
        const reply = this.respond(received);
        if (reply === 'hang') return;
        const send = (): void => {
          res.writeHead(reply.status ?? 200, reply.headers ?? {});
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.portNumber = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  get port(): number {
    return this.portNumber;
  }

  url(path = '/rc/webhook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests that were notifications (not handshakes). */
  notifications(): ReceivedRequest[] {
    return this.requests.filter((r) => r.headers['validation-token'] === undefined);
  }

  /** Parsed notification bodies, in arrival order. */
  bodies(): TelephonySessionsNotification[] {
    return this.notifications().map((r) => JSON.parse(r.body) as TelephonySessionsNotification);
  }

  /** Resolves once `count` notifications have arrived; rejects after `timeoutMs`. */
  async waitForNotifications(count: number, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.notifications().length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} notifications, got ${this.notifications().length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(req: ReceivedRequest): void {
    this.requests.push(req);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
