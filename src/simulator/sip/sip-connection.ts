/**
 * One device's TLS connection: incoming bytes become SIP messages, outgoing messages are written one per write,
 * in order, with a pause after any message that has a body. The pause is for `ringcentral-softphone@1.3.7`,
 * which only splits its input at `Content-Length: 0`: a message written right after a body would be swallowed
 * by it. Every socket error is caught here, so a device can never crash the simulator.
 */
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { serialise } from './sip-message.ts';
import type { OutgoingMessage, SipMessage } from './sip-message.ts';
import { SipStreamParser } from './sip-parser.ts';

/** Wall ms to wait after writing a message with a body before the next write (tens of ms, per the research). */
export const BODY_PAUSE_MS = 40;

export interface SipConnectionEvents {
  message: (message: SipMessage) => void;
  /** A message that framed but did not parse: it is skipped, the stream goes on. */
  malformed: (reason: string, text: string) => void;
  close: () => void;
}

let nextId = 1;

export class SipConnection {
  readonly id = nextId++;
  /** `ip:port` of the device, for logs and the control API. */
  readonly remote: string;
  readonly openedAt = Date.now();
  private readonly parser = new SipStreamParser();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: TLSSocket,
    private readonly events: SipConnectionEvents,
    private readonly log: Logger,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.log.debug({ err: error, remote: this.remote }, 'SIP connection error'));
    socket.on('close', () => this.onClose());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Queues one message; resolves once it has been written (and any body pause has passed). Never rejects. */
  send(message: OutgoingMessage): Promise<void> {
    let text: string;
    try {
      text = serialise(message);
    } catch (error) {
      this.log.error({ err: error }, 'SIP message not sent: it could not be serialised');
      return this.queue;
    }
    const hasBody = (message.body ?? '') !== '';
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.closed || this.socket.destroyed) return resolve();
          this.log.trace({ remote: this.remote, text }, 'SIP out');
          this.socket.write(text, () => {
            if (hasBody) setTimeout(resolve, BODY_PAUSE_MS).unref();
            else resolve();
          });
        }),
    );
    return this.queue;
  }

  /** Closes the connection at once, as a network failure would. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once everything queued so far has been written. */
  idle(): Promise<void> {
    return this.queue;
  }

  private receive(chunk: Buffer): void {
    for (const result of this.parser.push(chunk)) {
      if (this.closed) return;
      try {
        if (result.kind === 'message') {
          this.log.trace({ remote: this.remote, message: summary(result.message) }, 'SIP in');
          this.events.message(result.message);
        } else if (result.kind === 'malformed') {
          this.events.malformed(result.reason, result.text);
        } else {
          this.log.warn({ remote: this.remote, reason: result.reason }, 'SIP stream cannot be framed: closing the connection');
          this.destroy();
        }
      } catch (error) {
        // A bug in a handler must cost one message, not the process.
        this.log.error({ err: error, remote: this.remote }, 'SIP message handling failed');
      }
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.events.close();
    } catch (error) {
      this.log.error({ err: error }, 'SIP connection close handling failed');
    }
  }
}

function summary(message: SipMessage): string {
  return message.kind === 'request' ? `${message.method} ${message.uri}` : `${message.status} ${message.reason} (${message.headers.get('cseq') ?? ''})`;
}
