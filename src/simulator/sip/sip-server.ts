/**
 * The simulator's SIP-over-TLS listener: RingCentral's registrar and user agent server as the unchanged
 * `ringcentral-softphone@1.3.7` meets them (research/sip-softphone.md; docs/simulator-sip.md). It outlives
 * `/_sim/reset`: a reset ends every SIP call (BYE) but keeps connections and registrations.
 */
import tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { SimContext } from '../sim-context.ts';
import { RtpMediaSession } from './media/rtp-media-session.ts';
import type { MediaSessionOptions } from './media/rtp-media-session.ts';
import { makeCertificate } from './tls-certificate.ts';
import { NonceBook } from './digest-auth.ts';
import { Registrar } from './registrar.ts';
import type { RegistrationView } from './registrar.ts';
import { SipConnection } from './sip-connection.ts';
import { SipFaults } from './sip-faults.ts';
import type { SipFaultSettings } from './sip-faults.ts';
import { UserAgentServer } from './user-agent-server.ts';
import type { SipCallView } from './sip-call.ts';
import type { JunkKind } from './media/junk-datagram.ts';

export interface SipServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The simulator's current context (a reset replaces it). */
  context: () => SimContext;
  log: Logger;
  /** Tests may swap the media side; default: an SRTP session on the shared 20 ms pacer. */
  openMedia?: (options: MediaSessionOptions) => Promise<RtpMediaSession>;
}

export interface SipStatus {
  port: number;
  certPath: string;
  connections: number;
  registrations: RegistrationView[];
  calls: SipCallView[];
  faults: SipFaultSettings;
}

export interface RunningSipServer {
  /** The bound port (what sip-info's `outboundProxies[].proxyTLS` names). */
  port: number;
  /** The self-signed certificate (PEM) and a file holding it, for `NODE_EXTRA_CA_CERTS`. */
  certificate: { cert: string; certPath: string };
  faults: SipFaults;
  status(): SipStatus;
  /** Cuts every TLS connection the device registered or called over, as a network failure would; returns how many. */
  disconnectDevice(deviceId: string): number;
  /**
   * Sends `count` raw datagrams of `kind` from a live SIP call's media port to its device (junk, forged SRTP, RTCP);
   * undefined when the session has no live SIP call, else how many went out (0 before the device's hello).
   */
  sendJunkMedia(telephonySessionId: string, kind: JunkKind, count: number): number | undefined;
  /** Called after `/_sim/reset` built a new context: the old calls are gone, so their devices get a BYE. */
  contextReplaced(): void;
  close(): Promise<void>;
}

/** How long shutdown waits for queued BYEs to be written before it cuts the connections. */
const CLOSE_FLUSH_MS = 300;

export async function startSipServer(options: SipServerOptions): Promise<RunningSipServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log.child({ part: 'sip' });
  const certificate = await makeCertificate();
  const faults = new SipFaults();
  const nonces = new NonceBook();
  const connections = new Set<SipConnection>();
  const registrar = new Registrar(() => options.context().directory, nonces, log);
  let port = 0;
  const uas = new UserAgentServer({
    context: options.context,
    registrar,
    nonces,
    faults,
    openMedia: options.openMedia ?? ((o) => RtpMediaSession.open(o)),
    via: () => `SIP/2.0/TLS 127.0.0.1:${port}`,
    log,
  });

  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => {
    const connection: SipConnection = new SipConnection(
      socket,
      {
        message: (message) => uas.handle(message, connection),
        // Without the headers a response needs, a malformed message can only be dropped (RFC 3261 §18.3).
        malformed: (reason) => log.info({ remote: connection.remote, reason }, 'malformed SIP message dropped'),
        close: () => {
          connections.delete(connection);
          registrar.dropConnection(connection);
          uas.connectionClosed(connection);
        },
      },
      log,
    );
    connections.add(connection);
  });
  // Raw TCP, before the handshake: refusing here is what a client meets when TLS is refused. Shutdown cuts these
  // too, so a client stuck in its handshake cannot hold `server.close()` open.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (faults.current().refuseTls) return socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error) => log.debug({ err: error }, 'TLS handshake failed'));
  server.on('error', (error) => log.error({ err: error }, 'SIP listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  log.info({ host, port, certPath: certificate.certPath }, 'SIP over TLS listening');

  return {
    port,
    certificate: { cert: certificate.cert, certPath: certificate.certPath },
    faults,
    status: () => ({
      port,
      certPath: certificate.certPath,
      connections: connections.size,
      registrations: registrar.list(),
      calls: uas.list(),
      faults: faults.current(),
    }),
    disconnectDevice(deviceId) {
      const targets = new Set([...uas.connectionsOf(deviceId), ...registrar.connectionsOf(deviceId)]);
      for (const connection of targets) connection.destroy();
      return targets.size;
    },
    sendJunkMedia(telephonySessionId, kind, count) {
      return uas.bySession(telephonySessionId)?.sendJunkMedia(kind, count);
    },
    contextReplaced() {
      uas.terminateAll('simulator reset');
      registrar.reapply();
    },
    async close() {
      uas.terminateAll('simulator shutdown');
      await Promise.race([Promise.all([...connections].map((c) => c.idle())), new Promise((resolve) => setTimeout(resolve, CLOSE_FLUSH_MS))]);
      for (const connection of connections) connection.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await certificate.dispose();
    },
  };
}
