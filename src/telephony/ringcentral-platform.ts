/**
 * One logged-in @ringcentral/sdk platform per credential. The same code path talks to RingCentral in
 * production and to our simulator in demo and tests: only `server` differs.
 */
import { SDK } from '@ringcentral/sdk';

export interface RingCentralCredentials {
  server: string;
  clientId: string;
  clientSecret: string;
  jwt: string;
}

export interface ConnectedPlatform {
  sdk: SDK;
  platform: ReturnType<SDK['platform']>;
}

export async function connectRingCentral(credentials: RingCentralCredentials): Promise<ConnectedPlatform> {
  const sdk = new SDK({
    server: credentials.server,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    // Avoid a discovery round-trip the simulator (and many RingCentral regions) do not need.
    enableDiscovery: false,
  });
  const platform = sdk.platform();
  await platform.login({ jwt: credentials.jwt });
  return { sdk, platform };
}
