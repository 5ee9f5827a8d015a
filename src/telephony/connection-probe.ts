/**
 * Asks RingCentral who we are and how big the directory is. Cached, because the home page must not spend the
 * account's Medium budget (40 per minute) on every refresh.
 */
import type { ConnectedPlatform } from './ringcentral-platform.ts';
import type { ConnectionStatus } from '../../views/home-page.tsx';

interface Paged {
  paging?: { totalElements?: number };
}

const CACHE_MS = 30_000;

export function connectionProbe(
  base: Pick<ConnectionStatus, 'mode' | 'server' | 'simulatorUrl'>,
  connect: () => Promise<ConnectedPlatform>,
): () => Promise<ConnectionStatus> {
  let cached: { at: number; status: ConnectionStatus } | undefined;
  let connection: Promise<ConnectedPlatform> | undefined;

  return async () => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.status;
    let status: ConnectionStatus;
    try {
      connection ??= connect();
      const { platform } = await connection;
      const me = (await (await platform.get('/restapi/v1.0/account/~/extension/~')).json()) as { name: string; extensionNumber: string };
      const users = (await (await platform.get('/restapi/v1.0/account/~/extension', { type: 'User', perPage: 1 })).json()) as Paged;
      const queues = (await (await platform.get('/restapi/v1.0/account/~/call-queues', { perPage: 1 })).json()) as Paged;
      status = {
        ...base,
        connected: true,
        user: { name: me.name, extensionNumber: me.extensionNumber },
        ...(users.paging?.totalElements === undefined ? {} : { extensions: users.paging.totalElements }),
        ...(queues.paging?.totalElements === undefined ? {} : { queues: queues.paging.totalElements }),
      };
    } catch (error) {
      connection = undefined;
      status = { ...base, connected: false, error: (error as Error).message };
    }
    cached = { at: Date.now(), status };
    return status;
  };
}
