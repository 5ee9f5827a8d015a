/**
 * A hang-up for a line whose SIP call another thread or instance holds. Only the process holding a call's dialog
 * can end it with a BYE (free); anyone else needs RingCentral's REST hang-up, a Light request from the same
 * per-user budget as the hand-offs — and dials run on any instance's worker, so a hunt's owner holds only some of
 * its lines. So the owner first asks on a Redis channel every engine thread hears; the holder says on a second
 * channel that it took the request, ends the line (BYE, its own REST backup) and says whether that worked. No
 * taker within `takeTimeoutMs` (the call already ended, or its holder is gone), a failure, or no word within
 * `doneTimeoutMs`: the caller uses REST itself, so a hang-up is never lost to a holder that died mid-way.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { globalKeys } from '../../store/redis-keys.ts';

export interface HeldLines {
  /** True when this process holds the line's SIP call. */
  holds(telephonySessionId: string): boolean;
  /** Ends a held line here (BYE, with its own REST backup). */
  hangUpHeld(telephonySessionId: string): Promise<void>;
}

export interface LineHangupRelayOptions {
  redis: Redis;
  lines: HeldLines;
  log: Logger;
  /** How long `request` waits for the holder to take it (default 500 ms: a pub/sub round trip is a few ms). */
  takeTimeoutMs?: number;
  /** How long it then waits for the holder's hang-up to finish (default 10 s: a BYE's 3 s, then REST). */
  doneTimeoutMs?: number;
}

const SEPARATOR = ' ';
type Reply = 'taken' | 'done' | 'failed';

interface Waiter {
  reply(reply: Reply): void;
}

export class LineHangupRelay {
  private subscriber: Redis | undefined;
  private readonly waiting = new Map<string, Waiter>();
  private closed = false;

  constructor(private readonly options: LineHangupRelayOptions) {}

  async start(): Promise<void> {
    const sub = this.options.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (error: unknown) => this.options.log.debug({ err: error }, 'line hang-up subscriber error'));
    sub.on('message', (channel: string, message: string) => {
      if (channel === globalKeys.lineHangupRequests) this.onRequest(message);
      else if (channel === globalKeys.lineHangupsTaken) this.onReply(message);
    });
    await sub.subscribe(globalKeys.lineHangupRequests, globalKeys.lineHangupsTaken);
  }

  /** True once the line's holder has ended it; false when nobody took it, or it failed or went silent (use REST). */
  async request(telephonySessionId: string): Promise<boolean> {
    if (this.closed || !this.subscriber) return false;
    const requestId = randomUUID();
    let settle!: (ended: boolean) => void;
    const ended = new Promise<boolean>((resolve) => {
      let timer = setTimeout(() => settle(false), this.options.takeTimeoutMs ?? 500);
      settle = (value: boolean): void => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve(value);
      };
      this.waiting.set(requestId, {
        reply: (reply) => {
          if (reply !== 'taken') return settle(reply === 'done');
          clearTimeout(timer);
          timer = setTimeout(() => settle(false), this.options.doneTimeoutMs ?? 10_000);
        },
      });
    });
    try {
      // Only this relay listens (one thread, one instance): nobody else can hold the call.
      const listeners = await this.options.redis.publish(globalKeys.lineHangupRequests, `${requestId}${SEPARATOR}${telephonySessionId}`);
      if (listeners <= 1) settle(false);
    } catch (error) {
      this.options.log.warn({ err: error, telephonySessionId }, 'line hang-up request not published');
      settle(false);
    }
    return ended;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of [...this.waiting.values()]) waiter.reply('failed');
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private onRequest(message: string): void {
    if (this.closed) return;
    const [requestId, telephonySessionId] = splitMessage(message);
    if (!requestId || !telephonySessionId || !this.options.lines.holds(telephonySessionId)) return;
    const say = (reply: Reply): void => {
      this.options.redis.publish(globalKeys.lineHangupsTaken, `${requestId}${SEPARATOR}${reply}`).catch((error: unknown) => {
        this.options.log.warn({ err: error, telephonySessionId, reply }, 'line hang-up reply not published');
      });
    };
    say('taken');
    this.options.lines.hangUpHeld(telephonySessionId).then(
      () => say('done'),
      (error: unknown) => {
        this.options.log.warn({ err: error, telephonySessionId }, 'hang-up of a held line failed');
        say('failed');
      },
    );
  }

  private onReply(message: string): void {
    const [requestId, reply] = splitMessage(message);
    if (reply === 'taken' || reply === 'done' || reply === 'failed') this.waiting.get(requestId)?.reply(reply);
  }
}

/** "<requestId> <rest>" → [requestId, rest]; empty strings when the message has no separator. */
function splitMessage(message: string): [string, string] {
  const at = message.indexOf(SEPARATOR);
  return at < 0 ? ['', ''] : [message.slice(0, at), message.slice(at + 1)];
}
