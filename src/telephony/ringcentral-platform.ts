/**
 * One logged-in @ringcentral/sdk platform per credential. The same code path talks to RingCentral in
 * production and to our simulator in demo and tests: only `server` differs.
 */
import { randomUUID } from 'node:crypto';
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
    // The SDK keeps tokens in one process-wide store under this prefix: without a prefix of its own, every
    // platform in the process would share (and overwrite) one login.
    cachePrefix: `rc-${randomUUID()}-`,
  });
  const platform = sdk.platform();
  await platform.login({ jwt: credentials.jwt });
  return { sdk, platform };
}
