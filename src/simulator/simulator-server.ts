/**
 * Starts the RingCentral-compatible simulator on a port: `hold-hunter simulator`, and embedded by `npm start`
 * in demo mode. Binds to loopback by default: the control API has no authentication.
 */
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SimOptions } from './sim-options.ts';
import type { SimClock } from './sim-clock.ts';
import { SimRuntime } from './sim-runtime.ts';
import { createSimApp } from './sim-app.ts';

export interface StartSimulatorOptions extends Omit<SimOptions, 'publicUrl'> {
  port: number;
  host?: string;
  /** Defaults to http://<host>:<port>. */
  publicUrl?: string;
  log: Logger;
  makeClock?: (timeScale: number) => SimClock;
}

export interface RunningSimulator {
  url: string;
  port: number;
  runtime: SimRuntime;
  close(): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const { port: requestedPort, log, makeClock, ...rest } = options;
  // The runtime needs its public URL before the port is known when port 0 is asked for: fill it in after bind.
  const holder: { runtime?: SimRuntime } = {};
  let server: ServerType | undefined;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    const placeholder = new SimRuntime({ ...rest, publicUrl: options.publicUrl ?? '' }, log, makeClock);
    holder.runtime = placeholder;
    const app = createSimApp(placeholder);
    server = serve({ fetch: app.fetch, port: requestedPort, hostname: host }, (info) => resolve(info));
    server.once('error', reject);
  });
  const url = options.publicUrl ?? `http://${host}:${address.port}`;
  const runtime = holder.runtime as SimRuntime;
  runtime.setPublicUrl(url);
  log.info({ url, scenario: rest.scenario, seed: rest.seed, timeScale: rest.timeScale }, 'RingCentral simulator listening');
  return {
    url,
    port: address.port,
    runtime,
    close: () =>
      new Promise<void>((resolve) => {
        runtime.close();
        if (!server) return resolve();
        server.close(() => resolve());
        // SSE or keep-alive sockets must not hold shutdown hostage.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
