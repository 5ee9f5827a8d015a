/** `hold-hunter serve`: the app; in demo mode it first starts the simulator and logs in to it. */
import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startSimulator } from '../simulator/simulator-server.ts';
import type { RunningSimulator } from '../simulator/simulator-server.ts';
import { simulatorOptionsFromConfig } from './simulator-options.ts';
import { onShutdown } from './on-shutdown.ts';
import { createApp } from '../web/create-app.tsx';
import { connectionProbe } from '../telephony/connection-probe.ts';
import { connectRingCentral } from '../telephony/ringcentral-platform.ts';
import type { RingCentralCredentials } from '../telephony/ringcentral-platform.ts';

export async function runServe(config: Config): Promise<void> {
  const log = createLogger(config.LOG_LEVEL);
  let simulator: RunningSimulator | undefined;
  let credentials: RingCentralCredentials;
  if (config.demoMode) {
    simulator = await startSimulator(simulatorOptionsFromConfig(config, log));
    credentials = { server: simulator.url, clientId: config.SIM_CLIENT_ID, clientSecret: config.SIM_CLIENT_SECRET, jwt: config.SIM_JWT };
    log.warn({ simulator: simulator.url }, 'no RingCentral credentials set: demo mode against the embedded simulator');
  } else {
    credentials = {
      server: config.RC_SERVER_URL ?? 'https://platform.ringcentral.com',
      clientId: config.RC_CLIENT_ID ?? '',
      clientSecret: config.RC_CLIENT_SECRET ?? '',
      jwt: config.RC_JWT ?? '',
    };
  }

  const app = createApp({
    connectionStatus: connectionProbe(
      { mode: config.demoMode ? 'demo' : 'live', server: credentials.server, ...(simulator ? { simulatorUrl: simulator.url } : {}) },
      () => connectRingCentral(credentials),
    ),
  });
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    log.info({ url: `http://localhost:${info.port}` }, 'IRS Hold Hunter dashboard listening');
  });
  onShutdown(log, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await simulator?.close();
  });
}
