/**
 * An open-loop HTTP/1.1 POST generator on raw keep-alive sockets, for `bench:load --mode=webhooks`.
 *
 * Why not node:http: the generator shares this machine's 2 cores with the instance it measures, and node:http's
 * client costs more CPU per request than the receiver does per notification — its event-loop stalls showed up as
 * "acknowledgement latency" the instance never had. Like wrk, this writes pre-built request bytes and reads just
 * the status line and Content-Length of each answer. One request per connection at a time (no pipelining), as a
 * webhook sender delivers; a connection is opened when none is idle, up to `maxConnections`.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { sleep } from './bench-support.ts';

export interface PosterTarget {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  maxConnections: number;
}

export interface Answer {
  /** Time from writing the request to reading its whole answer, in ms. */
  latencyMs: number;
  /** HTTP status, or the socket error's message. */
  status: string;
}

interface Pending {
  bytes: Buffer;
  sentAt: number;
  done: (answer: Answer) => void;
}

/** Pre-builds one POST's bytes, so the measured loop only writes them. */
export function requestBytes(target: PosterTarget, body: string): Buffer {
  const payload = Buffer.from(body);
  const head = [`POST ${target.path} HTTP/1.1`, `Host: ${target.host}:${target.port}`, ...Object.entries(target.headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${payload.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

const HEADER_END = Buffer.from('\r\n\r\n');
/**
 * node's server closes a keep-alive connection idle for 5 s; one picked just then is reset under its request.
 * Like node's Agent (freeSocketTimeout), drop a connection idle for longer than this instead of reusing it.
 */
const MAX_IDLE_MS = 4_000;
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private current: Pending | undefined;
  private readonly socket: net.Socket;
  closed = false;
  idleSince = 0;

  constructor(target: PosterTarget, private readonly onIdle: (connection: Connection) => void, private readonly onClosed: (connection: Connection) => void) {
    this.socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => this.close(error.message));
    this.socket.on('close', () => this.close('connection closed'));
  }

  send(request: Pending): void {
    this.current = request;
    request.sentAt = performance.now();
    this.socket.write(request.bytes);
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.current) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
    const total = headerEnd + HEADER_END.length + length;
    if (this.buffered.length < total) return;
    const request = this.current;
    this.current = undefined;
    this.buffered = this.buffered.subarray(total);
    request.done({ latencyMs: performance.now() - request.sentAt, status: head.slice(9, 12) });
    // The receiver closes after some answers (e.g. a refused token): do not reuse such a connection.
    if (/\r\nconnection:\s*close/i.test(head)) this.socket.destroy();
    else this.onIdle(this);
  }

  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const request = this.current;
    this.current = undefined;
    request?.done({ latencyMs: performance.now() - request.sentAt, status: reason });
    this.onClosed(this);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class OpenLoopPoster {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Pending[] = [];

  constructor(readonly target: PosterTarget) {}

  /** Sends now if a connection is free (or may be opened), else as soon as one is; resolves with the answer. */
  post(bytes: Buffer): Promise<Answer> {
    return new Promise((done) => {
      const request: Pending = { bytes, sentAt: 0, done };
      const connection = this.freeConnection() ?? (this.all.size < this.target.maxConnections ? this.open() : undefined);
      if (connection) connection.send(request);
      else this.waiting.push(request);
    });
  }

  /**
   * Sends `count` requests at `rate` per second: every 5 ms those due by now go out, whether earlier ones have
   * answered or not. Resolves when all are answered, with how long sending took.
   */
  async run(count: number, rate: number, bytesOf: (n: number) => Buffer, onAnswer: (answer: Answer) => void): Promise<{ sendMs: number }> {
    const pending: Promise<void>[] = [];
    const start = performance.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) pending.push(this.post(bytesOf(sent++)).then(onAnswer));
      await sleep(5);
    }
    const sendMs = performance.now() - start;
    await Promise.all(pending);
    return { sendMs };
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
  }

  /** The most recently used idle connection (as node's Agent: LIFO) that has not been idle too long. */
  private freeConnection(): Connection | undefined {
    const now = performance.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (now - connection.idleSince <= MAX_IDLE_MS) return connection;
      connection.destroy();
    }
    return undefined;
  }

  private open(): Connection {
    const connection = new Connection(
      this.target,
      (free) => {
        const next = this.waiting.shift();
        if (next) free.send(next);
        else {
          free.idleSince = performance.now();
          this.idle.push(free);
        }
      },
      (gone) => {
        this.all.delete(gone);
        const at = this.idle.indexOf(gone);
        if (at >= 0) this.idle.splice(at, 1);
        const next = this.waiting.shift();
        if (next) this.open().send(next);
      },
    );
    this.all.add(connection);
    return connection;
  }
}
