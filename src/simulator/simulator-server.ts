/**
 * Starts the RingCentral-compatible simulator on a port: `hold-hunter simulator`, and embedded by `npm start`
 * in demo mode. Binds to loopback by default: the control API has no authentication. With `sipPort` set it also
 * runs the SIP-over-TLS listener (registrar and user agent server for softphone lines; docs/simulator-sip.md).
 */
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SimOptions } from './sim-options.ts';
import type { SimClock } from './sim-clock.ts';
import { SimRuntime } from './sim-runtime.ts';
import { createSimApp } from './sim-app.ts';
import { startSipServer } from './sip/sip-server.ts';
import type { RunningSipServer } from './sip/sip-server.ts';

export interface StartSimulatorOptions extends Omit<SimOptions, 'publicUrl'> {
  port: number;
  host?: string;
  /** Defaults to http://<host>:<port>. */
  publicUrl?: string;
  log: Logger;
  makeClock?: (timeScale: number) => SimClock;
  /** Where the SIP-over-TLS listener binds (0 = a free port); without it no SIP listener runs. */
  sipPort?: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  runtime: SimRuntime;
  /** The SIP listener (bound port, certificate, fault hooks), when `sipPort` was given. */
  sip?: RunningSipServer;
  close(): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const { port: requestedPort, log, makeClock, sipPort: requestedSipPort, ...rest } = options;
  // The runtime needs its public URL before the port is known when port 0 is asked for: fill it in after bind.
  const holder: { runtime?: SimRuntime } = {};
  // SIP binds first: sip-info names the bound port, so the runtime's options must carry it.
  const sip =
    requestedSipPort === undefined
      ? undefined
      : await startSipServer({ port: requestedSipPort, host, context: () => (holder.runtime as SimRuntime).context, log });
  let server: ServerType | undefined;
  let address: AddressInfo;
  try {
    address = await new Promise<AddressInfo>((resolve, reject) => {
      const placeholder = new SimRuntime({ ...rest, ...(sip ? { sipPort: sip.port } : {}), publicUrl: options.publicUrl ?? '' }, log, makeClock);
      holder.runtime = placeholder;
      if (sip) {
        placeholder.sip = sip;
        placeholder.onRebuild(() => sip.contextReplaced());
      }
      const app = createSimApp(placeholder);
      server = serve({ fetch: app.fetch, port: requestedPort, hostname: host }, (info) => resolve(info));
      server.once('error', reject);
    });
  } catch (error) {
    await sip?.close();
    throw error;
  }
  const url = options.publicUrl ?? `http://${host}:${address.port}`;
  const runtime = holder.runtime as SimRuntime;
  runtime.setPublicUrl(url);
  log.info({ url, scenario: rest.scenario, seed: rest.seed, timeScale: rest.timeScale, sipPort: sip?.port }, 'RingCentral simulator listening');
  return {
    url,
    port: address.port,
    runtime,
    ...(sip ? { sip } : {}),
    close: async () => {
      runtime.close();
      await sip?.close();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        // SSE or keep-alive sockets must not hold shutdown hostage.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
