/**
 * Patches around `ringcentral-softphone@1.3.7`'s traps (research/sip-softphone.md), applied from outside so the
 * library stays unchanged:
 * - its TLS 'data' handler and its RTP 'message' handler throw on input they cannot parse or authenticate, and a
 *   throw out of an event handler is an uncaught exception that ends the process: re-wrap them in try/catch;
 * - its call session ignores every final INVITE answer but 200 and 486 (404, 480, 603, the 487 after a CANCEL),
 *   so such a session would wait forever: end it ourselves;
 * - `dispose()` (the session's only end) is protected;
 * - a call ended by any final but 200 or 486 leaves its INVITE-answer listener, and so its session, on the device
 *   until the connection drops: find that listener again and let it take itself off.
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

type MessageListener = (message: unknown) => void;

/**
 * Per device: the library's INVITE-answer listeners that may still be registered (see trackAnswerListeners).
 * Weakly: one that took itself off (on 200 or 486) must not keep its session alive from here.
 */
const answerListeners = new WeakMap<Softphone, Set<WeakRef<MessageListener>>>();

/**
 * The library's INVITE-answer listener of a call removes itself only on a 200 or a 486: after any other final
 * (our CANCEL's 487, a 404, 480 or 603) it stays on the device — and the call session with it — until the
 * connection drops. To find it again: it is the first 'message' listener the library adds after making a
 * session's decoder (CallSession's constructor, then OutboundCallSession's init). Call once per device.
 */
export function trackAnswerListeners(phone: Softphone): void {
  const listeners = new Set<WeakRef<MessageListener>>();
  answerListeners.set(phone, listeners);
  const codec = phone.codec as { createDecoder: () => unknown };
  const createDecoder = codec.createDecoder.bind(codec);
  let constructing = false;
  codec.createDecoder = () => {
    // The constructor runs synchronously: a session that throws before its init() must not mark a later listener.
    constructing = true;
    queueMicrotask(() => (constructing = false));
    return createDecoder();
  };
  const on = phone.on.bind(phone);
  phone.on = ((event: string, listener: MessageListener) => {
    if (event === 'message' && constructing) {
      constructing = false;
      for (const ref of listeners) if (!ref.deref()) listeners.delete(ref);
      listeners.add(new WeakRef(listener));
    }
    return on(event, listener);
  }) as typeof phone.on;
}

/**
 * Removes the answer listener of a call that ended without 200 or 486: each tracked listener is handed a 486 of
 * that call's INVITE, which only its own listener takes (it checks the CSeq), and that one takes itself off the
 * device. Its session is disposed already, so the 486's 'busy' and second dispose reach no one.
 */
function releaseAnswerListener(phone: Softphone, cseq: string, log: Logger): void {
  const listeners = answerListeners.get(phone);
  if (!listeners) return;
  const busy = { subject: 'SIP/2.0 486 Busy Here', headers: { CSeq: cseq }, body: '', getHeader: () => undefined };
  const registered = new Set(phone.listeners('message'));
  for (const ref of [...listeners]) {
    const listener = ref.deref();
    if (!listener || !registered.has(listener)) {
      listeners.delete(ref);
      continue;
    }
    try {
      listener(busy);
    } catch (error) {
      log.warn({ err: error }, 'answer listener of an ended call not released');
    }
    if (!phone.listeners('message').includes(listener)) listeners.delete(ref);
  }
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
    // The library's listener, added before this one, has seen this final already (and kept itself on).
    releaseAnswerListener(phone, message.headers.CSeq ?? '', log);
  };
  phone.on('message', onMessage);
  call.once('disposed', () => phone.off('message', onMessage));
}
