/**
 * Patches around `ringcentral-softphone@1.3.7`'s traps (research/sip-softphone.md), applied from outside so the
 * library stays unchanged:
 * - its TLS 'data' handler and its RTP 'message' handler throw on input they cannot parse or authenticate, and a
 *   throw out of an event handler is an uncaught exception that ends the process: re-wrap them in try/catch;
 * - its call session ignores every final INVITE answer but 200 and 486 (404, 480, 603, the 487 after a CANCEL),
 *   so such a session would wait forever: end it ourselves;
 * - `dispose()` (the session's only end) is protected.
 */
import type { EventEmitter } from 'node:events';
import type Softphone from 'ringcentral-softphone';
import type { Logger } from 'pino';

export type SipCall = Awaited<ReturnType<Softphone['call']>>;

/** Re-registers an emitter's listeners for `event` inside try/catch. */
export function guardHandlers(emitter: EventEmitter, event: string, log: Logger): void {
  for (const listener of emitter.listeners(event) as ((...args: unknown[]) => void)[]) {
    emitter.off(event, listener);
    emitter.on(event, (...args: unknown[]) => {
      try {
        listener(...args);
      } catch (error) {
        log.warn({ err: error, event }, 'dropped a packet the SIP library could not handle');
      }
    });
  }
}

/** The call's RTP socket exists once answered: a packet failing SRTP authentication must not throw out of it. */
export function guardSocket(call: SipCall, log: Logger): void {
  const socket = (call as { socket?: EventEmitter }).socket;
  if (!socket) return;
  socket.on('error', (error: unknown) => log.warn({ err: error }, 'RTP socket error'));
  guardHandlers(socket, 'message', log);
}

/** Ends the session as the library would on a BYE: emits `disposed`, closes its RTP socket. Idempotent. */
export function disposeCall(call: SipCall): void {
  if (call.disposed) return;
  (call as unknown as { dispose(): void }).dispose();
}

/** Ends the call on a final failure answer to its INVITE that the library would ignore (not 486, which it handles). */
export function endOnIgnoredFinal(phone: Softphone, call: SipCall, log: Logger): void {
  const cseq = call.sipMessage.headers.CSeq;
  const onMessage = (message: { subject: string; headers: Record<string, string> }): void => {
    if (message.headers.CSeq !== cseq) return;
    const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(message.subject)?.[1] ?? 0);
    if (status < 300 || status === 486) return;
    log.info({ status, callId: call.callId }, 'INVITE ended without an answer');
    disposeCall(call);
  };
  phone.on('message', onMessage);
  call.once('disposed', () => phone.off('message', onMessage));
}
