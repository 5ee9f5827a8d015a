/**
 * One HTTP POST to a webhook address, the way RingCentral's sender judges it: a wall-clock deadline for the whole
 * exchange, and a cap on the bytes it reads back (status line + headers + body), because RC refuses responses of
 * 1024 bytes or more. node:http rather than fetch so the raw header bytes can be counted.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface WebhookPostOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** A response this large or larger (status line + headers + body) is cut off and flagged `oversize`. */
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export type WebhookPostResult =
  | {
      kind: 'response';
      status: number;
      statusText: string;
      headers: IncomingHttpHeaders;
      /** Bytes read, capped at maxResponseBytes. */
      bytes: number;
      oversize: boolean;
    }
  | { kind: 'error'; error: 'connect-timeout' | 'read-timeout' | 'network' | 'aborted'; message: string };

export interface WebhookPost {
  /** Settles once the request has been written out (or has failed): the next POST may start. */
  written: Promise<void>;
  result: Promise<WebhookPostResult>;
}

export function postWebhook(address: string, options: WebhookPostOptions): WebhookPost {
  let markWritten!: () => void;
  const written = new Promise<void>((resolve) => (markWritten = resolve));
  const result = new Promise<WebhookPostResult>((resolve) => {
    let done = false;
    let connected = false;
    const finish = (outcome: WebhookPostResult): void => {
      if (done) return;
      done = true;
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      markWritten();
      resolve(outcome);
      req.destroy();
    };
    const onAbort = (): void => finish({ kind: 'error', error: 'aborted', message: 'Delivery cancelled' });

    const target = new URL(address);
    const client = target.protocol === 'https:' ? https : http;
    // agent:false = a fresh connection per POST, so one slow receiver never blocks a pooled socket.
    const req = client.request(target, {
      method: 'POST',
      agent: false,
      headers: { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) },
    });
    const timer = receiverDeadline(options.timeoutMs, () => {
      finish(
        connected
          ? { kind: 'error', error: 'read-timeout', message: 'Read timed out' }
          : { kind: 'error', error: 'connect-timeout', message: 'Connect timed out' },
      );
    });

    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      socket.once('connect', () => (connected = true));
    });
    req.on('finish', markWritten);
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish({ kind: 'error', error: 'network', message: networkMessage(err) });
    });
    req.on('response', (res) => {
      let bytes = Buffer.byteLength(`HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}\r\n`);
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        bytes += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
      }
      bytes += 2;
      const respond = (oversize: boolean): void =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          bytes: Math.min(bytes, options.maxResponseBytes),
          oversize,
        });
      if (bytes >= options.maxResponseBytes) return respond(true);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= options.maxResponseBytes) respond(true);
      });
      res.on('end', () => respond(false));
      res.on('error', (err) => finish({ kind: 'error', error: 'network', message: networkMessage(err) }));
    });

    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    req.end(options.body);
  });
  return { written, result };
}

/** A deadline timer that fires this much later than due says the simulator's own event loop was stalled. */
export const OWN_STALL_MS = 50;

/**
 * Calls `expired` once the receiver has had `timeoutMs` to answer — time in which this process could have read
 * the answer. RingCentral's sender judges a receiver on a machine of its own; ours shares a busy event loop with
 * 1,400 lines' audio in a load run, and a plain timer would blame the receiver for our stalls: a reply can sit
 * unread in the socket while a stall runs past the deadline, and the timers phase runs before the poll phase that
 * would read it. So time the timer fired late is given back (up to `timeoutMs` more in all), and the verdict
 * waits for one poll phase (setImmediate) so that a reply already received wins.
 */
export function receiverDeadline(timeoutMs: number, expired: () => void): { cancel(): void } {
  let due = performance.now() + timeoutMs;
  let givenBack = 0;
  let timer: NodeJS.Timeout | undefined;
  let verdict: NodeJS.Immediate | undefined;
  const arm = (ms: number): void => {
    timer = setTimeout(fire, ms);
    timer.unref();
  };
  const fire = (): void => {
    const late = performance.now() - due;
    if (late > OWN_STALL_MS && givenBack < timeoutMs) {
      const extra = Math.min(late, timeoutMs - givenBack);
      givenBack += extra;
      due += late + extra;
      return arm(extra);
    }
    // Not unref'd: an unref'd immediate lets the poll phase block until unrelated I/O wakes the loop.
    verdict = setImmediate(expired);
  };
  arm(timeoutMs);
  return {
    cancel() {
      clearTimeout(timer);
      if (verdict) clearImmediate(verdict);
    },
  };
}

/** Java-style wording, as RC's blacklist reasons quote its HTTP client ("Connection refused", ...). */
function networkMessage(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Unknown host';
    default:
      return err.message || String(err.code);
  }
}
